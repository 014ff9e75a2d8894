-- Each kecamatan's latest current report in the batch's districts, and whether it lies on or after
-- the district's first date in the batch. A district where none does (a day's new files: the usual
-- night, and almost every portal receipt) needs no more of its history; loaded_reports.sql, whose
-- Parquet scans cost ~20 ms however few rows they find, reads the others' (warehouse/read.py).
--
-- key: kode_kecamatan
-- reads: except_groups, laporan_kecamatan_terakhir
with

scope as (
    select kode_kabupaten, min(tanggal) as dari
    from except_groups
    where kode_kabupaten is not null and tanggal is not null
    group by kode_kabupaten
),

final as (
    select
        terakhir.kode_kabupaten,
        terakhir.kode_kecamatan,
        terakhir.tanggal,
        terakhir.sudah_rekam,
        terakhir.wajib_ktp,
        terakhir.tanggal >= scope.dari as dari_atau_sesudah
    from laporan_kecamatan_terakhir as terakhir
    inner join scope using (kode_kabupaten)
)

select * from final
