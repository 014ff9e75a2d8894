-- How many kabupaten/kota the report's scope holds: province $provinsi, or all when null.
with

wilayah_kabupaten as (
    select kode_kabupaten from wilayah_kabupaten
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

final as (
    select count(*) as kabupaten_total from wilayah_kabupaten
)

select * from final
