-- The decided file versions of the paths a run found in the landing folder: their stat, hash, date
-- and status. Every question a run asks of what it decided before is about a file it found (is it
-- new, touched, of which date); the ledger holds every file ever decided (575,000 rows after three
-- national years), most of them no longer in the folder the run reads.
--
-- key: file, sha256
-- reads: berkas_landing, unggahan
with

unggahan as (
    select file, sha256, kode_kabupaten, tanggal, status, ukuran, diubah_pada_ns, diubah_status_ns, inode
    from unggahan
),

berkas_landing as (
    select file from berkas_landing
),

final as (
    select unggahan.* from unggahan semi join berkas_landing using (file)
)

select * from final
