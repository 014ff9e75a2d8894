-- Files rejected for report date $tanggal, with the reasons the district has to act on.
with

unggahan as (
    select file, kode_kabupaten, tanggal, status, alasan, diproses_pada
    from unggahan
    -- Files of an unknown inbox folder have no kabupaten: every report lists them.
    where kode_kabupaten is null or $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

final as (
    select
        unggahan.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten,
        unggahan.file,
        unggahan.alasan,
        unggahan.diproses_pada
    from unggahan
    -- An unknown inbox folder has no kabupaten: keep its files.
    left join wilayah_kabupaten using (kode_kabupaten)
    where unggahan.status = 'rejected'
      and unggahan.tanggal = $tanggal
    order by unggahan.kode_kabupaten, unggahan.file
)

select * from final
