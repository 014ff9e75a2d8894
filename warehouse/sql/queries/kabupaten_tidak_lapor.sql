-- Kabupaten in scope with no kecamatan report at all for $tanggal, with their last report date.
--
-- key: kode_kabupaten
-- reads: laporan_kecamatan_terakhir, progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
with

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

wilayah_kecamatan as (
    select kode_kecamatan, kode_kabupaten from wilayah_kecamatan
),

-- Read twice below: not materialized, or DuckDB would first copy out the whole history
-- (68 ms instead of 58 ms on three national years, the readers' 256 MB).
progres_kecamatan as not materialized (
    select tanggal, kode_kabupaten, kode_kecamatan from progres_kecamatan
),

laporan_kecamatan_terakhir as (
    select kode_kecamatan, kode_kabupaten, tanggal from laporan_kecamatan_terakhir
),

lapor_hari_ini as (
    select distinct kode_kabupaten
    from progres_kecamatan
    where tanggal = $tanggal
),

-- The latest report on or before $tanggal, not before it: a kabupaten listed has none on $tanggal, so
-- the two are the same for it, and the former reads no history on the latest date (every night's).
terakhir_lapor as (
    select kode_kabupaten, max(tanggal) as terakhir_lapor
    from tanggal_lapor_terakhir(laporan_kecamatan_terakhir, progres_kecamatan, $tanggal::date)
    group by kode_kabupaten
),

kecamatan_total as (
    select kode_kabupaten, count(*) as kecamatan_total
    from wilayah_kecamatan
    group by kode_kabupaten
),

final as (
    select
        wilayah_kabupaten.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten,
        coalesce(kecamatan_total.kecamatan_total, 0) as kecamatan_total,
        terakhir_lapor.terakhir_lapor
    from wilayah_kabupaten
    left join kecamatan_total using (kode_kabupaten)
    left join terakhir_lapor using (kode_kabupaten)
    where kode_kabupaten not in (select kode_kabupaten from lapor_hari_ini)
    order by wilayah_kabupaten.kode_kabupaten
)

select * from final
