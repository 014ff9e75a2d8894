-- The warehouse's first schema: reference, the file ledger, findings and every loaded figure.
-- Primary keys are kept in code, not as constraints: DuckDB rejects a DELETE and re-INSERT of the
-- same key inside one transaction, which is exactly how a partition is replaced.

create table wilayah_kabupaten (
    kode_kabupaten varchar not null,
    kode_provinsi varchar not null,
    nama varchar not null
);

create table wilayah_kecamatan (
    kode_kecamatan varchar not null,
    kode_kabupaten varchar not null,
    nama varchar not null
);

-- One row per file seen: a path whose bytes changed is a new file.
create table unggahan (
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
    diubah_pada_ns bigint not null
);

-- One row per finding of each file's latest decision.
create table kualitas_data (
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

-- One row per kecamatan row of every valid file (current or superseded): the figures' history.
create table riwayat_kecamatan (
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

-- One row per pipeline run.
create table proses (
    run_id varchar not null,
    jenis varchar not null,
    tanggal_laporan date,
    dari date,
    sampai date,
    mulai timestamptz not null,
    selesai timestamptz,
    berkas_diproses integer,
    gx_runs integer
);
