-- Issue 23. Each kecamatan's first current report, kept by the load beside its latest one
-- (warehouse/terakhir.py). A batch dated before a kecamatan's first report (an office sending the
-- days before it began) has no report before it to compare with: knowing that by key spares the
-- check a read of the district's history (~15 ms of a receipt's round at the portal). Built here
-- from the history, like migration 010, for a warehouse an earlier release wrote.
create table laporan_kecamatan_pertama as
with

loaded as (
    select file, sha256 from unggahan where status = 'loaded'
),

riwayat as (
    select * from riwayat_kecamatan
),

final as (
    select riwayat.*
    from riwayat
    semi join loaded using (file, sha256)
    qualify row_number() over (partition by kode_kecamatan order by tanggal) = 1
)

select * from final;
