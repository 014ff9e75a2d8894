-- A held upload, confirmed: where it landed and the check's result.
update unggahan
set berkas = :berkas, hasil = :hasil, alasan = :alasan, tanda_terima = :tanda_terima
where id = :id
