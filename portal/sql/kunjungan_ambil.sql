-- When an account last opened a district's home page (issue #21 item 5: what changed since).
select pada from kunjungan where akun = :akun and kode_kabupaten = :kode
