-- Kecamatan with no report for $tanggal in kabupaten that did report that day; kabupaten that
-- sent nothing are listed whole by kabupaten_tidak_lapor.sql instead.
--
-- key: kode_kecamatan
-- reads: laporan_kecamatan_terakhir, progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
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

laporan_kecamatan_terakhir as (
    select kode_kecamatan, kode_kabupaten, tanggal from laporan_kecamatan_terakhir
),

hari_ini as (
    select kode_kabupaten, kode_kecamatan
    from progres_kecamatan
    where tanggal = $tanggal
),

-- The latest report on or before $tanggal, not before it: a kecamatan listed has none on $tanggal, so
-- the two are the same for it, and the former reads no history on the latest date (every night's).
terakhir_lapor as (
    select kode_kecamatan, tanggal as terakhir_lapor
    from tanggal_lapor_terakhir(laporan_kecamatan_terakhir, progres_kecamatan, $tanggal::date)
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
