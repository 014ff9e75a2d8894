-- The district's uploads of one report date that landed and that the check found valid, newest
-- first: the files waiting for the nightly, once those a run decided are left out (portal.compare).
with dipilih as (
    select id, berkas, sha256, nama_asli, diunggah_pada
    from unggahan
    where kode_kabupaten = :kode and tanggal = :tanggal and berkas is not null and hasil = 'loaded'
)
select * from dipilih order by id desc
