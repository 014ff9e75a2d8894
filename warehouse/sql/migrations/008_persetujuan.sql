-- Sign-off, lock and reminders (CONTRACT §3 `setujui`, `kunci`, `buka-kunci`, `pengingat`; §4).

-- Every sign-off, lock and unlock, never updated nor deleted: the state of a district's figures is
-- replayed from these rows (warehouse/sql/helpers/batas_persetujuan.sql).
--   tindakan 'disetujui': the district signs off its figures up to sampai_tanggal;
--   tindakan 'dikunci': the province locks them up to sampai_tanggal;
--   tindakan 'dibuka': opens them again FROM sampai_tanggal on (the `--dari` date): the lock when
--     `atas` is 'kunci' (`ektp buka-kunci`), the sign-off when `atas` is 'persetujuan' (withdrawn
--     by a run because a later file changed a signed figure; `oleh` is then 'sistem').
create table persetujuan (
    kode_kabupaten varchar not null,
    sampai_tanggal date not null,
    tindakan varchar not null,
    oleh varchar not null,
    pada timestamptz not null,
    alasan varchar,
    atas varchar not null,  -- 'persetujuan' or 'kunci': what the row signs, locks or opens
    urutan bigint not null,  -- the order of the actions (a later one wins; several share a moment)
    run_id varchar  -- the run that withdrew a sign-off (null for a person's action)
);

-- Every reminder and digest sent, or tried (a failed try too, with why in `pesan`).
create table pengingat (
    dikirim_pada timestamptz not null,
    tanggal date not null,  -- the report date reminded of (or summarised)
    kode_kabupaten varchar,  -- null: the province's digest
    saluran varchar not null,  -- 'surel' or 'webhook'
    tujuan varchar not null,  -- the address or the URL
    berhasil boolean not null,
    pesan varchar,  -- the subject sent, or why the try failed
    jenis varchar not null,  -- 'pengingat' (a district's reminder) or 'ringkasan' (the digest)
    kecamatan varchar  -- the missing kecamatan named (comma list), to send again only when they change
);
