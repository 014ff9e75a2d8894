-- laporan_kecamatan_terakhir after a load: each kecamatan's latest current report, from the table
-- as it stood before the load, the rows the load wrote ($run_id) and, only for a kecamatan whose
-- latest report stopped being current (its file re-decided, superseded or retired), its history.
-- Before the load the table held each kecamatan's latest current report; a report that became
-- current since is one the load wrote, so the newest of these is the latest one now.
--
-- key: kode_kecamatan
-- reads: laporan_kecamatan_terakhir, riwayat_kecamatan, unggahan
with

loaded as (
    select file, sha256 from unggahan where status = 'loaded'
),

sebelumnya as (
    select * from laporan_kecamatan_terakhir
),

masih_berlaku as (
    select sebelumnya.* from sebelumnya semi join loaded using (file, sha256)
),

gugur as (
    select kode_kecamatan from sebelumnya anti join loaded using (file, sha256)
),

riwayat as (
    select * from riwayat_kecamatan
),

ditulis as (
    select riwayat.*
    from riwayat
    semi join loaded using (file, sha256)
    where riwayat.run_id = $run_id
),

-- Empty on most nights: then DuckDB's join finishes without reading the history.
dibaca_ulang as (
    select riwayat.*
    from riwayat
    semi join gugur using (kode_kecamatan)
    semi join loaded using (file, sha256)
),

calon as (
    select * from masih_berlaku
    union all
    select * from ditulis
    union all
    select * from dibaca_ulang
),

final as (
    select * from calon
    qualify row_number() over (partition by kode_kecamatan order by tanggal desc) = 1
)

select * from final
