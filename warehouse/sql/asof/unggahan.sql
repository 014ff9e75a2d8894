-- unggahan as it stood at time T: each file version's latest row in riwayat_unggahan written by
-- then, unless that row says the file had left the table.
--
-- key: file, sha256
-- reads: riwayat_unggahan
with

versi as (
    select * from riwayat_unggahan
),

berlaku as (
    select *
    from versi
    qualify row_number() over (partition by file, sha256 order by berlaku_sejak desc) = 1
),

final as (
    select
        file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
        diubah_pada, diubah_pada_ns, diubah_status_ns, inode, tiba_pada
    from berlaku
    where ada
)

select * from final
