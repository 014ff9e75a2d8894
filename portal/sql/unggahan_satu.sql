-- One upload, only within the district of the path (another district's id is not found).
select * from unggahan where id = :id and kode_kabupaten = :kode
