-- An upload's timeline (issue #21 item 5): every decision the runs wrote for one file version of
-- $kabupaten ($berkas, $sha256), oldest first, each with the file that was loaded for the same
-- date once that decision stood (a superseded file names the file that replaced it).
--
-- key: berlaku_sejak
-- reads: riwayat_unggahan
with

riwayat as (
    select file, sha256, tanggal, status, alasan, diproses_pada, run_id, berlaku_sejak, ada
    from riwayat_unggahan
    where kode_kabupaten = $kabupaten
),

versi as (
    select * from riwayat
    where file = $berkas and sha256 = $sha256
),

-- each other file version of the date as it stood when a version of ours was written
lain as (
    select
        versi.berlaku_sejak as pada,
        riwayat.file,
        arg_max(riwayat.status, riwayat.berlaku_sejak) as status,
        arg_max(riwayat.ada, riwayat.berlaku_sejak) as ada
    from versi
    inner join riwayat
        on riwayat.tanggal = versi.tanggal
        and riwayat.berlaku_sejak <= versi.berlaku_sejak
        and (riwayat.file, riwayat.sha256) <> (versi.file, versi.sha256)
    group by versi.berlaku_sejak, riwayat.file, riwayat.sha256
),

dimuat as (
    select pada, min(file) as berkas_dimuat
    from lain
    where status = 'loaded' and ada
    group by pada
),

final as (
    select
        versi.status,
        versi.alasan,
        versi.diproses_pada,
        versi.run_id,
        versi.berlaku_sejak,
        versi.ada,
        dimuat.berkas_dimuat
    from versi
    left join dimuat on dimuat.pada = versi.berlaku_sejak
    order by versi.berlaku_sejak
)

select * from final
