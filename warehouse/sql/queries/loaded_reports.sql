-- The history the check of a batch needs in the districts that must read it (`kabupaten_dibaca`,
-- each with its first and last date in the batch, `dari` and `sampai`; warehouse/read.py
-- loaded_reports, from queries/laporan_ujung.sql: a kecamatan's latest report lies on or after
-- the district's first date and its first report before its last, as in a backfill or a
-- correction): every report from that first date to the batch's last,
-- and the latest one before the first date; leaving out the districts and dates being re-decided
-- (the run supplies their new current figures itself). The other districts' history is each
-- kecamatan's latest report alone, or none. A national nightly thus reads ~7,000 rows, not every
-- figure ever loaded.
--
-- key: kode_kecamatan, tanggal
-- reads: except_groups, kabupaten_dibaca, riwayat_kecamatan, unggahan
with

unggahan as (
    select file, sha256 from unggahan where status = 'loaded'
),

riwayat as (
    select * from riwayat_kecamatan
),

redecided as (
    select distinct kode_kabupaten, tanggal from except_groups
),

-- Each district that must read its history, with its first and last date in the batch.
dibaca as (
    select kode_kabupaten, dari, sampai from kabupaten_dibaca
),

current_reports as (
    select riwayat.kode_kecamatan, riwayat.tanggal, riwayat.sudah_rekam, riwayat.wajib_ktp, dibaca.dari
    from riwayat
    inner join unggahan using (file, sha256)
    inner join dibaca using (kode_kabupaten)
    anti join redecided using (kode_kabupaten, tanggal)
    where riwayat.tanggal < dibaca.sampai
),

dalam_rentang as (
    select * from current_reports where tanggal >= dari
),

sebelum as (
    select * from laporan_terakhir(current_reports, dari - 1)
),

final as (
    select kode_kecamatan, tanggal, sudah_rekam, wajib_ktp from dalam_rentang
    union all
    select kode_kecamatan, tanggal, sudah_rekam, wajib_ktp from sebelum
)

select * from final
