-- Issue 23. From this release on, every change of `unggahan` is journaled in the transaction that
-- makes it, and a run compares only the file versions it changed with the journal
-- (warehouse/journal.py). An earlier release journaled a re-stat of an unchanged file (a night with
-- no new file after a backup was restored or a folder touched: `muat.refresh`) only at its next
-- decision, by comparing every row. A row left that way is journaled here, once, as known from this
-- migration's moment (`waktu_migrasi`: the run's pinned clock, else now), by the migration.
-- The comparison is warehouse/sql/jurnal/catat_unggahan.sql's over every row, copied on purpose: a
-- migration runs against the schema of its own version, which a later change of the live query
-- (a column a later migration adds) would not match.
insert into riwayat_unggahan by name
with

unggahan_sekarang as (
    select
        file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id, ukuran,
        diubah_pada, diubah_pada_ns, diubah_status_ns, inode, tiba_pada
    from unggahan
),

versi_terakhir as (
    select *
    from riwayat_unggahan
    qualify row_number() over (partition by file, sha256 order by berlaku_sejak desc) = 1
),

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
    select *, getvariable('waktu_migrasi') as berlaku_sejak, '011_jurnal_susulan' as dicatat_oleh, true as ada
    from berubah
    union all
    select *, getvariable('waktu_migrasi') as berlaku_sejak, '011_jurnal_susulan' as dicatat_oleh, false as ada
    from hilang
)

select * from final;

-- Published with the next catalog, like a run's journal rows (warehouse/partitions.py).
insert into bagian_kotor
select distinct 'riwayat_unggahan', coalesce(strftime(tanggal, '%Y-%m'), 'tanpa-tanggal')
from riwayat_unggahan
where dicatat_oleh = '011_jurnal_susulan'
except
select * from bagian_kotor;
