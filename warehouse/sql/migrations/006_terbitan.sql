-- The writer's own bookkeeping of what it publishes (warehouse/publish.py). The writer keeps the
-- whole warehouse in a working file of its own; analysts open a small catalog whose large relations
-- are views over Parquet files, one per table and month, rewritten only when a run changes them.

-- The Parquet file of each published partition (`bulan`: YYYY-MM, or tanpa-tanggal).
create table bagian (
    tabel varchar not null,
    bulan varchar not null,
    berkas varchar not null
);

-- Partitions a run changed that are not published yet (a run killed before publishing leaves them).
create table bagian_kotor (
    tabel varchar not null,
    bulan varchar not null
);

-- One row per publication: its number names its files.
create table terbitan (
    nomor integer not null,
    diterbitkan_pada timestamptz not null
);
