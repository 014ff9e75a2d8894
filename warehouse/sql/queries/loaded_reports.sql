-- One row per kecamatan and date: the current figures the history check of a batch needs, that
-- is, in the batch's districts, every report from the batch's first date to its last and the
-- latest one before its first date; leaving out the districts and dates being re-decided (the
-- run supplies their new current figures itself). A national nightly thus reads ~7,000 rows,
-- not every figure ever loaded.
--
-- The report before the first date is the kecamatan's latest report (laporan_kecamatan_terakhir)
-- when that lies before the first date: every date re-decided lies on or after it. Only a district
-- with a report on or after its first date (a backfill, a correction) reads its history.
--
-- key: kode_kecamatan, tanggal
-- reads: except_groups, laporan_kecamatan_terakhir, riwayat_kecamatan, unggahan
with

unggahan as (
    select file, sha256 from unggahan where status = 'loaded'
),

riwayat as (
    select * from riwayat_kecamatan
),

terakhir as (
    select * from laporan_kecamatan_terakhir
),

redecided as (
    select distinct kode_kabupaten, tanggal from except_groups
),

scope as (
    select kode_kabupaten, min(tanggal) as dari, max(tanggal) as sampai
    from except_groups
    where kode_kabupaten is not null and tanggal is not null
    group by kode_kabupaten
),

-- Districts with a report on or after their first date: their history is read.
dibaca as (
    select distinct scope.*
    from scope
    inner join terakhir using (kode_kabupaten)
    where terakhir.tanggal >= scope.dari
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

-- The other districts: every kecamatan's latest report lies before the first date.
sebelum_tanpa_riwayat as (
    select terakhir.kode_kecamatan, terakhir.tanggal, terakhir.sudah_rekam, terakhir.wajib_ktp
    from terakhir
    inner join scope using (kode_kabupaten)
    anti join dibaca using (kode_kabupaten)
),

final as (
    select kode_kecamatan, tanggal, sudah_rekam, wajib_ktp from dalam_rentang
    union all
    select kode_kecamatan, tanggal, sudah_rekam, wajib_ktp from sebelum
    union all
    select * from sebelum_tanpa_riwayat
)

select * from final
