-- Take a held upload for landing: only one request wins (the held file's name is cleared).
update unggahan set tunda = null where id = :id and tunda = :tunda and hasil = 'menunggu_konfirmasi'
