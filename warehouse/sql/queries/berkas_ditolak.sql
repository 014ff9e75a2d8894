-- Files rejected for report date $tanggal, with the reasons the district has to act on: those of
-- the report's province ($provinsi, or every one when null), and those of any inbox that is not a
-- kabupaten in scope (a stray file, a folder named `9999` or `kota bima`), which every report lists.
with

unggahan as (
    select file, kode_kabupaten, tanggal, status, alasan, diproses_pada
    from unggahan
    where status = 'rejected'
      and tanggal = $tanggal
),

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

placed as (
    select
        unggahan.*,
        wilayah_kabupaten.nama as nama_kabupaten,
        wilayah_kabupaten.kode_kabupaten is not null as dalam_cakupan
    from unggahan
    left join wilayah_kabupaten using (kode_kabupaten)
),

final as (
    select kode_kabupaten, nama_kabupaten, file, alasan, diproses_pada
    from placed
    where not dalam_cakupan or $provinsi is null or left(kode_kabupaten, 2) = $provinsi
    order by kode_kabupaten, file
)

select * from final
