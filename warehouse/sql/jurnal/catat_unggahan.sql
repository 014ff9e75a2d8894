-- Append to riwayat_unggahan every unggahan row that is not the file's latest version there: the
-- files this run decided, files it retired, and (with ada = false) files whose row is gone. Rows
-- the run left alone match their latest version and are not written again. Run inside the load's
-- transaction, after the ledger was replaced; $waktu is the run's decision time.
insert into riwayat_unggahan by name
with

unggahan_sekarang as (
    select
        file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
        diubah_pada, diubah_pada_ns, diubah_status_ns, inode, tiba_pada
    from unggahan
),

versi_terakhir as (
    select *
    from riwayat_unggahan
    qualify row_number() over (partition by file, sha256 order by berlaku_sejak desc) = 1
),

berubah as (
    select * from unggahan_sekarang
    except
    select
        file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
        diubah_pada, diubah_pada_ns, diubah_status_ns, inode, tiba_pada
    from versi_terakhir
    where ada
),

hilang as (
    select
        versi_terakhir.file, versi_terakhir.sha256, versi_terakhir.kode_kabupaten, versi_terakhir.tanggal,
        versi_terakhir.status, versi_terakhir.alasan, versi_terakhir.baris, versi_terakhir.diproses_pada,
        versi_terakhir.run_id, versi_terakhir.ukuran, versi_terakhir.diubah_pada, versi_terakhir.diubah_pada_ns,
        versi_terakhir.diubah_status_ns, versi_terakhir.inode, versi_terakhir.tiba_pada
    from versi_terakhir
    anti join unggahan_sekarang using (file, sha256)
    where versi_terakhir.ada
),

final as (
    select *, $waktu::timestamptz as berlaku_sejak, $run_id as dicatat_oleh, true as ada from berubah
    union all
    select *, $waktu::timestamptz as berlaku_sejak, $run_id as dicatat_oleh, false as ada from hilang
)

select * from final
