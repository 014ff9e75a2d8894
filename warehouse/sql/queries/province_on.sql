-- The province figures for one date (one row per province in scope).
with

provinsi as (
    select * from progres_provinsi
),

final as (
    select * from provinsi where tanggal = $tanggal
)

select * from final
order by kode_provinsi
