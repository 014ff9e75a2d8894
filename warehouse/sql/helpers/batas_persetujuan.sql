-- batas_persetujuan(catatan, lingkup): per kabupaten, the last date its sign-offs (lingkup
-- 'persetujuan') or locks ('kunci') still cover; null when none does. `catatan` names a relation
-- shaped like `persetujuan` (by house style a CTE of the caller).
--
-- A sign-off or lock up to S covers every date up to S; a later `dibuka` from F opens every date
-- from F on. So what is covered is always a prefix of dates, and a date is covered by an action
-- unless a later opening reaches it: the prefix ends at the largest least(S, F - 1) over the
-- actions, F the earliest opening after each.
create or replace macro batas_persetujuan(catatan, lingkup) as table
with

aksi as (
    select kode_kabupaten, sampai_tanggal, tindakan, urutan
    from query_table(catatan)
    where atas = lingkup
),

ditetapkan as (
    select
        tetap.kode_kabupaten,
        tetap.sampai_tanggal,
        (
            select min(buka.sampai_tanggal)
            from aksi as buka
            where buka.kode_kabupaten = tetap.kode_kabupaten
              and buka.tindakan = 'dibuka'
              and buka.urutan > tetap.urutan
        ) as dibuka_dari
    from aksi as tetap
    where tetap.tindakan <> 'dibuka'
)

select kode_kabupaten, max(least(sampai_tanggal, dibuka_dari - 1)) as batas
from ditetapkan
group by kode_kabupaten
having max(least(sampai_tanggal, dibuka_dari - 1)) is not null;
