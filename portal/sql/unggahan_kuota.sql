-- What an office used of its daily quota: the files the portal took (checked or stored; not
-- those it refused unread) sent from :dari (inclusive) to :sampai, ISO 8601 UTC as stored.
select count(*) as berkas, coalesce(sum(ukuran), 0) as bita
from unggahan
where kode_kabupaten = :kode
  and diunggah_pada >= :dari
  and diunggah_pada < :sampai
  and hasil != 'ditolak_portal'
