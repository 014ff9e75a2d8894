-- The district's latest uploads, newest first.
with dipilih as (
    select * from unggahan where kode_kabupaten = :kode
)
select * from dipilih order by id desc limit :batas
