-- The account a token belongs to (an enabled kabupaten office), by the token's SHA-256.
with token as (
    select akun from token_api where token_hash = :token_hash
)
select akun.nama, akun.peran, akun.kode_kabupaten
from token
join akun on akun.nama = token.akun
where akun.nonaktif = 0 and akun.peran = 'kabupaten'
