-- The province's figures for $tanggal, with the number of kabupaten in scope.
with

progres_provinsi as (
    select tanggal, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, persen_rekam, kabupaten_lapor
    from progres_provinsi
),

wilayah_kabupaten as (
    select kode_kabupaten from wilayah_kabupaten
),

kabupaten_total as (
    select count(*) as kabupaten_total from wilayah_kabupaten
),

final as (
    select
        progres_provinsi.*,
        kabupaten_total.kabupaten_total
    from progres_provinsi
    cross join kabupaten_total
    where progres_provinsi.tanggal = $tanggal
)

select * from final
