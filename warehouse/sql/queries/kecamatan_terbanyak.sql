-- The $batas kecamatan with the most left to record on $tanggal, each at its latest report
-- on or before that date (carried forward, like the district and province figures).
--
-- key: kode_kecamatan
-- reads: laporan_kecamatan_terakhir, progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
with

-- Read twice below: not materialized, or DuckDB would first copy out the whole history.
progres_kecamatan as not materialized (
    select
        tanggal, kode_kabupaten, kode_kecamatan, nama_kecamatan,
        wajib_ktp, sudah_rekam, belum_rekam, persen_rekam
    from progres_kecamatan
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

wilayah_kecamatan as (
    select kode_kecamatan, nama from wilayah_kecamatan
),

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

laporan_kecamatan_terakhir as (
    select kode_kecamatan, kode_kabupaten, tanggal from laporan_kecamatan_terakhir
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

-- Each kecamatan's report of its latest date on or before $tanggal: found without the history's
-- window, which read every report ever loaded (tanggal_lapor_terakhir).
tanggal_terakhir as (
    select kode_kecamatan, tanggal
    from tanggal_lapor_terakhir(laporan_kecamatan_terakhir, progres_kecamatan, $tanggal::date)
),

terakhir as (
    select progres_kecamatan.*
    from progres_kecamatan
    semi join tanggal_terakhir using (kode_kecamatan, tanggal)
),

final as (
    select
        terakhir.kode_kecamatan,
        coalesce(wilayah_kecamatan.nama, terakhir.nama_kecamatan) as nama_kecamatan,
        terakhir.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten,
        terakhir.wajib_ktp,
        terakhir.sudah_rekam,
        terakhir.belum_rekam,
        terakhir.persen_rekam,
        terakhir.tanggal as data_per
    from terakhir
    left join wilayah_kecamatan using (kode_kecamatan)
    left join wilayah_kabupaten using (kode_kabupaten)
    order by terakhir.belum_rekam desc, terakhir.kode_kecamatan
    limit $batas
)

select * from final
