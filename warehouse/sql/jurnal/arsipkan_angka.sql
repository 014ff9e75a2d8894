-- Before the ledger is replaced: keep the figures of the file versions this run no longer treats
-- as valid (`berkas_gugur`: re-decided as rejected or duplicate), which riwayat_kecamatan is about to
-- drop; a version already archived is not copied twice.
insert into arsip_riwayat_kecamatan
with

riwayat as (
    select
        file, sha256, tanggal, kode_kabupaten, kode_kecamatan, nama_kecamatan, wajib_ktp, sudah_rekam,
        belum_rekam, rekam_hari_ini, rekam_keliling, sudah_cetak, baris, diproses_pada, run_id
    from riwayat_kecamatan
),

gugur as (
    select file, sha256 from berkas_gugur
),

arsip as (
    select distinct file, sha256 from arsip_riwayat_kecamatan
),

final as (
    select riwayat.*
    from riwayat
    semi join gugur using (file, sha256)
    anti join arsip using (file, sha256)
)

select * from final
