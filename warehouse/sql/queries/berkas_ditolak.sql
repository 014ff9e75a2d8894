-- Files rejected for report date $tanggal, with the reasons the district has to act on: those of
-- the report's province ($provinsi, or every one when null), and those of any inbox that is not a
-- kabupaten in scope (a stray file, a folder named `9999` or `kota bima`), which every report lists.
--
-- key: file
-- reads: unggahan, wilayah_kabupaten
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
        wilayah_kabupaten.kode_kabupaten is not null as kabupaten_dikenal
    from unggahan
    left join wilayah_kabupaten using (kode_kabupaten)
),

final as (
    select kode_kabupaten, nama_kabupaten, file, alasan, diproses_pada
    from placed
    where not kabupaten_dikenal or dalam_cakupan(kode_kabupaten, $provinsi)
    order by kode_kabupaten, file
)

select * from final
