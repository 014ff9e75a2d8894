-- How many kabupaten/kota the report's scope holds: province $provinsi, or all when null.
--
-- reads: wilayah_kabupaten
with

wilayah_kabupaten as (
    select kode_kabupaten from wilayah_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

final as (
    select count(*) as kabupaten_total from wilayah_kabupaten
)

select * from final
