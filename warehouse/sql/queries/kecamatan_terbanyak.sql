-- The $batas kecamatan with the most left to record on $tanggal, each at its latest report
-- on or before that date (carried forward, like the district and province figures).
--
-- key: kode_kecamatan
-- reads: progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
with

progres_kecamatan as (
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

terakhir as (
    select * from laporan_terakhir(progres_kecamatan, $tanggal::date)
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
