-- The province's daily series up to $tanggal: the chart and the province's pace.
with

progres_provinsi as (
    select tanggal, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, persen_rekam, kabupaten_lapor
    from progres_provinsi
),

final as (
    select *
    from progres_provinsi
    where tanggal <= $tanggal
    order by tanggal
)

select * from final
