-- The files of one form submission of the district, in the order they were sent.
with dipilih as (
    select * from unggahan where kode_kabupaten = :kode and kiriman = :kiriman
)
select * from dipilih order by id
