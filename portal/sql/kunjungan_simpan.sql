-- The account's visit of the district's home page now replaces its last one.
insert into kunjungan (akun, kode_kabupaten, pada) values (:akun, :kode, :pada)
on conflict (akun, kode_kabupaten) do update set pada = excluded.pada
