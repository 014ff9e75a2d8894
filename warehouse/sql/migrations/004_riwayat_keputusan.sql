-- Kept history, so that the figures of any moment can be rebuilt ("as known on T", issue 14).
-- `unggahan` and `kualitas_data` hold only each file's latest decision, and `riwayat_kecamatan`
-- only the figures of files valid now; these tables are append-only and keep the rest.
--
-- A warehouse made before this migration has no history: its current decisions become the first
-- entries, each in force from its own `diproses_pada`. What a file was decided before that is
-- lost, so a report "as known on" a moment before this migration was applied (its
-- `schema_migrations.diterapkan_pada`) is refused instead of being rebuilt wrongly.

-- Every version of every `unggahan` row: a run appends the rows it changed (a new decision, a
-- file retired when its path got other bytes) and, with `ada = false`, rows that left the table.
-- The version of a file in force at T is its latest row with `berlaku_sejak <= T`.
create table riwayat_unggahan (
    file varchar not null,
    sha256 varchar not null,
    kode_kabupaten varchar,
    tanggal date,
    status varchar not null,
    alasan varchar,
    baris integer,
    diproses_pada timestamptz not null,
    run_id varchar not null,
    ukuran bigint not null,
    diubah_pada timestamptz not null,
    diubah_pada_ns bigint not null,
    berlaku_sejak timestamptz not null,  -- when the run that wrote this version decided
    dicatat_oleh varchar not null,  -- that run's id
    ada boolean not null  -- false: from then on the file has no row in unggahan
);

insert into riwayat_unggahan
select
    file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
    diubah_pada, diubah_pada_ns, diproses_pada, run_id, true
from unggahan;

-- Every finding of every decision: `kualitas_data` rows are immutable per (file, sha256, run_id),
-- so the findings in force at T are those of the run named by the file's `unggahan` row at T.
create table riwayat_temuan (
    file varchar not null,
    sha256 varchar not null,
    kode_kabupaten varchar,
    tanggal date,
    kode_kecamatan varchar,
    aturan varchar not null,
    tingkat varchar not null,
    pesan varchar not null,
    baris integer,
    kolom varchar,
    nilai varchar,
    run_id varchar not null
);

insert into riwayat_temuan
select file, sha256, kode_kabupaten, tanggal, kode_kecamatan, aturan, tingkat, pesan, baris, kolom, nilai, run_id
from kualitas_data;

-- The figures of file versions that stopped being valid (re-decided as a duplicate or rejected),
-- which `riwayat_kecamatan` drops. Same bytes give the same figures, so one copy per (file, sha256).
create table arsip_riwayat_kecamatan (
    file varchar not null,
    sha256 varchar not null,
    tanggal date not null,
    kode_kabupaten varchar not null,
    kode_kecamatan varchar not null,
    nama_kecamatan varchar,
    wajib_ktp bigint not null,
    sudah_rekam bigint not null,
    belum_rekam bigint,
    rekam_hari_ini bigint,
    rekam_keliling bigint,
    sudah_cetak bigint,
    baris integer not null,
    diproses_pada timestamptz not null,
    run_id varchar not null
);
