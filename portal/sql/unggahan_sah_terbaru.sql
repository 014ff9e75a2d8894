-- Files the portal took since :sejak that the check found valid and that landed, oldest first
-- (the index unggahan_diunggah serves the range and the order): the ones a nightly may not have
-- decided yet (portal.persetujuan leaves out those a run decided).
select kode_kabupaten, tanggal, berkas, nama_asli, diunggah_pada
from unggahan
where diunggah_pada >= :sejak and berkas is not null and hasil = 'loaded' and tanggal is not null
order by diunggah_pada, id
