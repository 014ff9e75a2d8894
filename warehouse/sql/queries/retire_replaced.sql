-- Loaded files of a re-decided district and date that were not re-decided themselves (their path
-- now holds other bytes, or they left the landing folder) stop being current; the rows returned
-- are owed a receipt saying so. A district's locked dates keep their files as they are: only a new
-- file of such a date is decided (refused as periode_terkunci; CONTRACT §3 `kunci`).
--
-- key: file, sha256
-- reads: cleared, persetujuan
update unggahan
set
    status = 'superseded',
    alasan = 'berkas tidak lagi ada di folder landing dengan isi ini; digantikan'
where
    status = 'loaded'
    and (kode_kabupaten, tanggal) in (select (kode_kabupaten, tanggal) from cleared where tanggal is not null)
    and (file, sha256) not in (select (file, sha256) from cleared)
    and (kode_kabupaten, tanggal) not in (
        select (kunci.kode_kabupaten, hari.tanggal)
        from batas_persetujuan(persetujuan, 'kunci') as kunci
        inner join (select distinct kode_kabupaten, tanggal from cleared) as hari using (kode_kabupaten)
        where hari.tanggal <= kunci.batas
    )
returning file, sha256
