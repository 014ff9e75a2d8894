-- Loaded files of a re-decided district and date that were not re-decided themselves (their path
-- now holds other bytes, or they left the landing folder) stop being current; the rows returned
-- are owed a receipt saying so.
--
-- key: file, sha256
-- reads: cleared
update unggahan
set
    status = 'superseded',
    alasan = 'berkas tidak lagi ada di folder landing dengan isi ini; digantikan'
where
    status = 'loaded'
    and (kode_kabupaten, tanggal) in (select (kode_kabupaten, tanggal) from cleared where tanggal is not null)
    and (file, sha256) not in (select (file, sha256) from cleared)
returning file, sha256
