-- Issue 25. A rejected file says which rule it broke first and on which line, so that a district
-- desk sees where to look without reading every finding; and `proses` goes: no run ever wrote a row
-- in it (a run's trace is `jejak-proses.json` beside the warehouse, warehouse/jejak.py), and an
-- empty table in the analysts' catalog only raised the question what it was for.
drop table proses;

-- The first error of each rejected file's current decision: an error about the whole file (no
-- line: unreadable, no date) comes first, then the lowest line; ties by rule name.
create or replace view berkas_ditolak as
with

ditolak as (
    select * from unggahan where status = 'rejected'
),

kesalahan as (
    select file, sha256, aturan, baris
    from kualitas_data
    where tingkat = 'error'
),

kesalahan_pertama as (
    select file, sha256, aturan, baris as baris_pertama
    from kesalahan
    qualify row_number() over (partition by file, sha256 order by baris nulls first, aturan) = 1
),

final as (
    select
        ditolak.kode_kabupaten,
        ditolak.tanggal,
        ditolak.file,
        ditolak.alasan,
        ditolak.diproses_pada,
        kesalahan_pertama.aturan,
        kesalahan_pertama.baris_pertama
    from ditolak
    left join kesalahan_pertama using (file, sha256)
)

select * from final
order by tanggal desc nulls last, kode_kabupaten, file;
