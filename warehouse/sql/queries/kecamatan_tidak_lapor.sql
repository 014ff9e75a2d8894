-- Kecamatan with no report for $tanggal in kabupaten that did report that day; kabupaten that
-- sent nothing are listed whole by kabupaten_tidak_lapor.sql instead.
--
-- key: kode_kecamatan
-- reads: progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
with

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

wilayah_kecamatan as (
    select kode_kecamatan, kode_kabupaten, nama from wilayah_kecamatan
),

-- Read twice below: not materialized, or DuckDB would first copy out the whole history
-- (648 ms instead of 87 ms on three national years, the readers' 256 MB).
progres_kecamatan as not materialized (
    select tanggal, kode_kabupaten, kode_kecamatan from progres_kecamatan
),

hari_ini as (
    select kode_kabupaten, kode_kecamatan
    from progres_kecamatan
    where tanggal = $tanggal
),

terakhir_lapor as (
    select kode_kecamatan, max(tanggal) as terakhir_lapor
    from progres_kecamatan
    where tanggal < $tanggal
    group by kode_kecamatan
),

final as (
    select
        wilayah_kecamatan.kode_kecamatan,
        wilayah_kecamatan.nama as nama_kecamatan,
        wilayah_kecamatan.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten,
        terakhir_lapor.terakhir_lapor
    from wilayah_kecamatan
    inner join wilayah_kabupaten using (kode_kabupaten)
    left join terakhir_lapor using (kode_kecamatan)
    where wilayah_kecamatan.kode_kabupaten in (select kode_kabupaten from hari_ini)
      and wilayah_kecamatan.kode_kecamatan not in (select kode_kecamatan from hari_ini)
    order by wilayah_kecamatan.kode_kecamatan
)

select * from final
