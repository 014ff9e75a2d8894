-- The district's latest uploads, newest first, of one report date (:tanggal, ISO; null: any).
with dipilih as (
    select * from unggahan
    where kode_kabupaten = :kode and (:tanggal is null or tanggal = :tanggal)
)
select * from dipilih order by id desc limit :batas
