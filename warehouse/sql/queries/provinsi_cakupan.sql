-- The provinces of the warehouse's scope (its wilayah_kabupaten), by code.
--
-- key: kode_provinsi
-- reads: wilayah_kabupaten
with

wilayah_kabupaten as (
    select kode_kabupaten from wilayah_kabupaten
),

final as (
    select distinct left(kode_kabupaten, 2) as kode_provinsi
    from wilayah_kabupaten
    order by kode_provinsi
)

select * from final
