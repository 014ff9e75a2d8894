-- Every kecamatan in scope with its kabupaten's name, by code.
--
-- key: kode_kecamatan
-- reads: wilayah_kabupaten, wilayah_kecamatan
with

wilayah_kecamatan as (
    select kode_kecamatan, kode_kabupaten, nama from wilayah_kecamatan
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

final as (
    select
        wilayah_kecamatan.kode_kecamatan,
        wilayah_kecamatan.nama as nama_kecamatan,
        wilayah_kecamatan.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten
    from wilayah_kecamatan
    left join wilayah_kabupaten using (kode_kabupaten)
    order by wilayah_kecamatan.kode_kecamatan
)

select * from final
