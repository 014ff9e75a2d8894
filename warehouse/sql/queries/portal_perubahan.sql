-- What changed for $kabupaten since $sejak (an office's last visit, issue #21 item 5): the
-- decisions the runs wrote after it, newest first, at most $batas.
--
-- key: file, sha256, berlaku_sejak
-- reads: riwayat_unggahan
with

riwayat as (
    select file, sha256, tanggal, status, alasan, diproses_pada, run_id, berlaku_sejak, ada
    from riwayat_unggahan
    where kode_kabupaten = $kabupaten
),

final as (
    select *
    from riwayat
    where berlaku_sejak > $sejak
    order by berlaku_sejak desc, file
    limit $batas
)

select * from final
