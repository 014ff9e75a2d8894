-- The sign-off page: every kecamatan of $kabupaten over $dari..$sampai: on how many of those days
-- it reported, and its figures as signed on $sampai (its latest report on or before it, carried
-- forward as the district's figures are).
--
-- key: kode_kecamatan
-- reads: progres_kecamatan, wilayah_kecamatan
with

wilayah_kecamatan as (
    select kode_kecamatan, nama from wilayah_kecamatan
    where kode_kabupaten = $kabupaten
),

progres_kecamatan as (
    select tanggal, kode_kecamatan, wajib_ktp, sudah_rekam, persen_rekam
    from progres_kecamatan
    where kode_kabupaten = $kabupaten and tanggal <= $sampai
),

dalam_rentang as (
    select kode_kecamatan, count(*) as hari_lapor
    from progres_kecamatan
    where tanggal >= $dari
    group by kode_kecamatan
),

terakhir as (
    select
        kode_kecamatan,
        max(tanggal) as terakhir_lapor,
        arg_max(wajib_ktp, tanggal) as wajib_ktp,
        arg_max(sudah_rekam, tanggal) as sudah_rekam,
        arg_max(persen_rekam, tanggal) as persen_rekam
    from progres_kecamatan
    group by kode_kecamatan
),

final as (
    select
        wilayah_kecamatan.kode_kecamatan,
        wilayah_kecamatan.nama as nama_kecamatan,
        coalesce(dalam_rentang.hari_lapor, 0) as hari_lapor,
        terakhir.terakhir_lapor = $sampai as lapor_sampai,
        terakhir.terakhir_lapor,
        terakhir.wajib_ktp,
        terakhir.sudah_rekam,
        terakhir.persen_rekam
    from wilayah_kecamatan
    left join dalam_rentang using (kode_kecamatan)
    left join terakhir using (kode_kecamatan)
    order by wilayah_kecamatan.kode_kecamatan
)

select * from final
