-- Issue 23. The marts whose every version of their rows is kept in a journal of their own (a mart
-- header's `journal:`, written by warehouse/journal.py in the transaction that refreshes the mart),
-- and since when. `<mart>_per(waktu)` then reads the mart as known on T from that journal, a
-- filter, where it rebuilt the mart from the decisions' journal (1.4-1.9 s for `progres_kabupaten`
-- halfway through three national years). A journal table is made with its mart, from its columns.
-- `lengkap`: the warehouse had decided nothing before `sejak`, so the journal holds every state the
-- mart ever had; otherwise (a warehouse an earlier release wrote) a moment before `sejak` is still
-- rebuilt from the decisions' journal.
create table jurnal_mart (
    mart varchar not null,
    sejak timestamptz not null,
    lengkap boolean not null
);
