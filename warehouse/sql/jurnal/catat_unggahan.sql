-- Append to riwayat_unggahan every unggahan row of the file versions this transaction changed
-- (`berkas_berubah`: the files it decided, the files it retired, the files whose stat it recorded)
-- that is not the file version's latest row there, and (with ada = false) the versions whose row
-- is gone. Every change of `unggahan` is journaled in the transaction that makes it, so a version
-- the transaction did not touch still matches its latest row and is not compared: the comparison
-- costs the run's files, not the history's. Run inside the transaction, after the ledger was
-- written; $waktu is its decision time.
--
-- reads: berkas_berubah
insert into riwayat_unggahan by name
with

berubah_kunci as (
    select distinct file, sha256 from berkas_berubah
),

unggahan_sekarang as (
    select
        file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
        diubah_pada, diubah_pada_ns, diubah_status_ns, inode, tiba_pada
    from unggahan
    semi join berubah_kunci using (file, sha256)
),

-- The semi join comes before the window: only the changed versions' journal rows are ranked.
versi_terakhir as (
    select riwayat_unggahan.*
    from riwayat_unggahan
    semi join berubah_kunci using (file, sha256)
    qualify row_number() over (partition by file, sha256 order by berlaku_sejak desc) = 1
),

-- Each row beside its file version's latest journal row: a row is written again when it has none,
-- when that one says the file had left the table, or when a column differs (nulls alike). A join on
-- the key, not `except` over every column: the same rows, found in a fifth of the time on three
-- national years (575,000 rows a side).
berubah as (
    select unggahan_sekarang.*
    from unggahan_sekarang
    left join versi_terakhir using (file, sha256)
    where
        versi_terakhir.file is null
        or not versi_terakhir.ada
        or (
            unggahan_sekarang.kode_kabupaten, unggahan_sekarang.tanggal, unggahan_sekarang.status,
            unggahan_sekarang.alasan, unggahan_sekarang.baris, unggahan_sekarang.diproses_pada,
            unggahan_sekarang.run_id, unggahan_sekarang.ukuran, unggahan_sekarang.diubah_pada,
            unggahan_sekarang.diubah_pada_ns, unggahan_sekarang.diubah_status_ns, unggahan_sekarang.inode,
            unggahan_sekarang.tiba_pada
        ) is distinct from (
            versi_terakhir.kode_kabupaten, versi_terakhir.tanggal, versi_terakhir.status,
            versi_terakhir.alasan, versi_terakhir.baris, versi_terakhir.diproses_pada,
            versi_terakhir.run_id, versi_terakhir.ukuran, versi_terakhir.diubah_pada,
            versi_terakhir.diubah_pada_ns, versi_terakhir.diubah_status_ns, versi_terakhir.inode,
            versi_terakhir.tiba_pada
        )
),

hilang as (
    select
        versi_terakhir.file, versi_terakhir.sha256, versi_terakhir.kode_kabupaten, versi_terakhir.tanggal,
        versi_terakhir.status, versi_terakhir.alasan, versi_terakhir.baris, versi_terakhir.diproses_pada,
        versi_terakhir.run_id, versi_terakhir.ukuran, versi_terakhir.diubah_pada, versi_terakhir.diubah_pada_ns,
        versi_terakhir.diubah_status_ns, versi_terakhir.inode, versi_terakhir.tiba_pada
    from versi_terakhir
    anti join unggahan_sekarang using (file, sha256)
    where versi_terakhir.ada
),

final as (
    select *, $waktu::timestamptz as berlaku_sejak, $run_id as dicatat_oleh, true as ada from berubah
    union all
    select *, $waktu::timestamptz as berlaku_sejak, $run_id as dicatat_oleh, false as ada from hilang
)

select * from final
