-- First and last date of the province's series: named in the error when $tanggal has no data.
with

progres_provinsi as (
    select tanggal from progres_provinsi
),

final as (
    select min(tanggal) as pertama, max(tanggal) as terakhir
    from progres_provinsi
)

select * from final
