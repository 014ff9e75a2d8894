-- The province grid's completeness: for every kabupaten in scope and date from $dari to $sampai
-- with a loaded figure, how many of its kecamatan have one (progres_kecamatan) of how many it has.
--
-- key: kode_kabupaten, tanggal
-- reads: progres_kecamatan, wilayah_kecamatan
with

wilayah_kecamatan as (
    select kode_kabupaten, count(*) as jumlah from wilayah_kecamatan
    where dalam_cakupan(kode_kabupaten, $provinsi)
    group by kode_kabupaten
),

progres_kecamatan as (
    select kode_kabupaten, tanggal, count(distinct kode_kecamatan) as lapor
    from progres_kecamatan
    where tanggal between $dari and $sampai
    group by kode_kabupaten, tanggal
),

final as (
    select
        progres_kecamatan.kode_kabupaten,
        progres_kecamatan.tanggal,
        progres_kecamatan.lapor,
        wilayah_kecamatan.jumlah
    from progres_kecamatan
    inner join wilayah_kecamatan using (kode_kabupaten)
    order by progres_kecamatan.kode_kabupaten, progres_kecamatan.tanggal
)

select * from final
