-- Arrival time and receipts owed (CONTRACT §2, issue 18).
--
-- A file's arrival is the earlier of its modification time and the moment the pipeline first saw
-- it, recorded once and never moved: a district PC with a wrong clock cannot make a file outrank
-- one that truly arrived later. Files are ordered by report date, then arrival, then path.

-- Rows decided before this migration: the earlier of the modification time the first decision
-- recorded and that decision's time (a file cannot have arrived after the run that read it).
alter table unggahan add column tiba_pada timestamptz;
alter table riwayat_unggahan add column tiba_pada timestamptz;

update riwayat_unggahan
set tiba_pada = pertama.tiba_pada
from (
    select file, sha256, arg_min(least(diubah_pada, diproses_pada), berlaku_sejak) as tiba_pada
    from riwayat_unggahan
    group by file, sha256
) as pertama
where riwayat_unggahan.file = pertama.file and riwayat_unggahan.sha256 = pertama.sha256;

update unggahan
set tiba_pada = coalesce(
    (select min(tiba_pada) from riwayat_unggahan r where r.file = unggahan.file and r.sha256 = unggahan.sha256),
    least(diubah_pada, diproses_pada)
);

-- File versions seen by a run and not decided yet (dated after the run's D): their arrival, so
-- that the run that decides them keeps it. A row leaves when its file is decided.
create table kedatangan (
    file varchar not null,
    sha256 varchar not null,
    tiba_pada timestamptz not null
);

-- Receipts a run committed and has not written yet: committed in the load's transaction, with the
-- decisions they report; a row leaves once its files are written (atomically). A run that stops
-- after its commit (disk full, killed) leaves them for the next run, which writes them first.
create table tanda_terima_terutang (
    run_id varchar not null,
    kode_kabupaten varchar not null,
    dokumen varchar not null,  -- the JSON document
    surat varchar not null,  -- the letter in Indonesian
    dibuat_pada timestamptz not null
);
