-- One row per kecamatan and date: the current figures, leaving out the districts and dates
-- being re-decided (the run supplies their new current figures itself).
with

unggahan as (
    select file, sha256 from unggahan where status = 'loaded'
),

riwayat as (
    select * from riwayat_kecamatan
),

redecided as (
    select distinct kode_kabupaten, tanggal from except_groups
),

final as (
    select riwayat.kode_kecamatan, riwayat.tanggal, riwayat.sudah_rekam, riwayat.wajib_ktp
    from riwayat
    inner join unggahan using (file, sha256)
    anti join redecided using (kode_kabupaten, tanggal)
)

select * from final
