-- One row per kecamatan and date: the current figures the history check of a batch needs, that
-- is, in the batch's districts, every report from the batch's first date to its last and the
-- latest one before its first date; leaving out the districts and dates being re-decided (the
-- run supplies their new current figures itself). A national nightly thus reads ~7,000 rows,
-- not every figure ever loaded.
--
-- key: kode_kecamatan, tanggal
-- reads: except_groups, riwayat_kecamatan, unggahan
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

scope as (
    select kode_kabupaten, min(tanggal) as dari, max(tanggal) as sampai
    from except_groups
    where kode_kabupaten is not null and tanggal is not null
    group by kode_kabupaten
),

current_reports as (
    select riwayat.kode_kecamatan, riwayat.tanggal, riwayat.sudah_rekam, riwayat.wajib_ktp, scope.dari
    from riwayat
    inner join unggahan using (file, sha256)
    inner join scope using (kode_kabupaten)
    anti join redecided using (kode_kabupaten, tanggal)
    where riwayat.tanggal < scope.sampai
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
