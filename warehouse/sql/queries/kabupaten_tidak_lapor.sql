-- Kabupaten in scope with no kecamatan report at all for $tanggal, with their last report date.
--
-- key: kode_kabupaten
-- reads: progres_kabupaten, wilayah_kabupaten, wilayah_kecamatan
with

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

wilayah_kecamatan as (
    select kode_kecamatan, kode_kabupaten from wilayah_kecamatan
),

-- The days a kabupaten reported are the days its row counts a kecamatan reporting
-- (kecamatan_lapor > 0): one row a kabupaten and day, where progres_kecamatan holds one a kecamatan
-- (8M on three national years). Read twice below: not materialized, or DuckDB would first copy out
-- the whole history.
progres_kabupaten as not materialized (
    select tanggal, kode_kabupaten from progres_kabupaten where kecamatan_lapor > 0
),

lapor_hari_ini as (
    select kode_kabupaten
    from progres_kabupaten
    where tanggal = $tanggal
),

terakhir_lapor as (
    select kode_kabupaten, max(tanggal) as terakhir_lapor
    from progres_kabupaten
    where tanggal < $tanggal
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
