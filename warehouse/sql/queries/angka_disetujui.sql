-- The current figures (each kecamatan row of the loaded file) of the kabupaten and dates in
-- `kelompok_df` (kode_kabupaten, tanggal): a run compares them before and after its load to tell
-- which signed-off figures it changed (warehouse/persetujuan.py).
--
-- key: kode_kabupaten, tanggal, kode_kecamatan
-- reads: kelompok_df, riwayat_kecamatan, unggahan
with

kelompok as (
    select distinct kode_kabupaten, tanggal from kelompok_df
),

dimuat as (
    select file, sha256 from unggahan where status = 'loaded'
),

angka as (
    select
        kode_kabupaten, tanggal, kode_kecamatan, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini,
        rekam_keliling, sudah_cetak, file, sha256
    from riwayat_kecamatan
),

final as (
    select
        angka.kode_kabupaten, angka.tanggal, angka.kode_kecamatan, angka.wajib_ktp, angka.sudah_rekam,
        angka.belum_rekam, angka.rekam_hari_ini, angka.rekam_keliling, angka.sudah_cetak, angka.file
    from angka
    inner join dimuat using (file, sha256)
    inner join kelompok using (kode_kabupaten, tanggal)
)

select * from final
order by kode_kabupaten, tanggal, kode_kecamatan
