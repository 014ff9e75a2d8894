-- Districts with no loaded report for the date, and the missing kecamatan of those that reported.
with

kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

kecamatan as (
    select kode_kecamatan, kode_kabupaten, nama from wilayah_kecamatan
),

reported as (
    select kode_kabupaten, kode_kecamatan from progres_kecamatan where tanggal = $tanggal
),

reporting_kabupaten as (
    select distinct kode_kabupaten from reported
),

missing_kabupaten as (
    select 'kabupaten' as tingkat, kabupaten.kode_kabupaten, null as kode_kecamatan, kabupaten.nama
    from kabupaten
    anti join reporting_kabupaten using (kode_kabupaten)
),

missing_kecamatan as (
    select 'kecamatan' as tingkat, kecamatan.kode_kabupaten, kecamatan.kode_kecamatan, kecamatan.nama
    from kecamatan
    semi join reporting_kabupaten using (kode_kabupaten)
    anti join reported using (kode_kecamatan)
),

final as (
    select * from missing_kabupaten
    union all
    select * from missing_kecamatan
)

select * from final
order by tingkat, kode_kabupaten, kode_kecamatan
