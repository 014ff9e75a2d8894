-- First and last date of the scope's series: named in the error when $tanggal has no data.
--
-- reads: progres_provinsi
with

progres_provinsi as (
    select tanggal from progres_provinsi
    where dalam_cakupan(kode_provinsi, $provinsi)
),

final as (
    select min(tanggal) as pertama, max(tanggal) as terakhir
    from progres_provinsi
)

select * from final
