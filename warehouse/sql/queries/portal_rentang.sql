-- The sign-off page: the district's figures per date from $dari to $sampai, with how many of its
-- kecamatan reported that very day and the date's status (sementara, disetujui, dikunci).
--
-- key: tanggal
-- reads: progres_kabupaten, status_data
with

progres_kabupaten as (
    select
        tanggal, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, persen_rekam,
        kecamatan_lapor, kecamatan_total
    from progres_kabupaten
    where kode_kabupaten = $kabupaten and tanggal between $dari and $sampai
),

status_data as (
    select tanggal, status
    from status_data
    where kode_kabupaten = $kabupaten and tanggal between $dari and $sampai
),

final as (
    select progres_kabupaten.*, status_data.status
    from progres_kabupaten
    left join status_data using (tanggal)
)

select * from final
order by tanggal desc
