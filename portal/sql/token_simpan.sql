-- An office's API token (its SHA-256), replacing the one it had.
insert into token_api (akun, token_hash, dibuat_pada)
values (:akun, :token_hash, :pada)
on conflict (akun) do update set token_hash = excluded.token_hash, dibuat_pada = excluded.dibuat_pada
