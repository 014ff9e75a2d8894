-- The daily series of the report's scope up to $tanggal: the headline (its last row), the chart and its pace.
with

progres_provinsi as (
    select tanggal, kode_provinsi, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, kabupaten_lapor
    from progres_provinsi
    where $provinsi is null or kode_provinsi = $provinsi
),

final as (
    select
        tanggal,
        sum(wajib_ktp)::bigint as wajib_ktp,
        sum(sudah_rekam)::bigint as sudah_rekam,
        sum(belum_rekam)::bigint as belum_rekam,
        sum(rekam_hari_ini)::bigint as rekam_hari_ini,
        round(100 * sum(sudah_rekam) / nullif(sum(wajib_ktp), 0), 2)::decimal(6, 2) as persen_rekam,
        sum(kabupaten_lapor)::integer as kabupaten_lapor
    from progres_provinsi
    where tanggal <= $tanggal
    group by tanggal
    order by tanggal
)

select * from final
