-- An upload of the district and report date with these very bytes that landed (any check result).
with dipilih as (
    select id, berkas, nama_asli
    from unggahan
    where kode_kabupaten = :kode and tanggal = :tanggal and sha256 = :sha256 and berkas is not null
)
select * from dipilih order by id limit 1
