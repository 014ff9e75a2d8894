-- The figures of the report's scope for $tanggal: one province ($provinsi), or every
-- province in the warehouse when $provinsi is null; with the number of kabupaten in scope.
with

progres_provinsi as (
    select tanggal, kode_provinsi, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, kabupaten_lapor
    from progres_provinsi
    where $provinsi is null or kode_provinsi = $provinsi
),

wilayah_kabupaten as (
    select kode_kabupaten from wilayah_kabupaten
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

kabupaten_total as (
    select count(*) as kabupaten_total from wilayah_kabupaten
),

summed as (
    select
        tanggal,
        sum(wajib_ktp)::bigint as wajib_ktp,
        sum(sudah_rekam)::bigint as sudah_rekam,
        sum(belum_rekam)::bigint as belum_rekam,
        sum(rekam_hari_ini)::bigint as rekam_hari_ini,
        round(100 * sum(sudah_rekam) / nullif(sum(wajib_ktp), 0), 2)::decimal(6, 2) as persen_rekam,
        sum(kabupaten_lapor)::integer as kabupaten_lapor
    from progres_provinsi
    where tanggal = $tanggal
    group by tanggal
),

final as (
    select
        summed.*,
        kabupaten_total.kabupaten_total
    from summed
    cross join kabupaten_total
)

select * from final
