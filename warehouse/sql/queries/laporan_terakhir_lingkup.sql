-- Each kecamatan's latest current report in the batch's districts, whether it lies on or after the
-- district's first date in the batch, and whether the kecamatan's first report lies before the
-- batch's last date. A district where no kecamatan's latest report lies on or after its first date
-- (a day's new files: the usual night, and almost every receipt at the portal) needs no more of
-- its history, nor one whose kecamatan that have such a report have no report before the batch's
-- last date (an office sending the days before it began). loaded_reports.sql, whose Parquet scans
-- cost ~15 ms however few rows they find, reads the others' (warehouse/read.py).
--
-- key: kode_kecamatan
-- reads: except_groups, laporan_kecamatan_terakhir, laporan_kecamatan_pertama
with

scope as (
    select kode_kabupaten, min(tanggal) as dari, max(tanggal) as sampai
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
        terakhir.tanggal >= scope.dari as dari_atau_sesudah,
        -- Unknown (null) in a catalog published before migration 013 (warehouse/read.py): true.
        coalesce(pertama.tanggal < scope.sampai, true) as pertama_sebelum_sampai
    from laporan_kecamatan_terakhir as terakhir
    inner join scope using (kode_kabupaten)
    left join laporan_kecamatan_pertama as pertama using (kode_kecamatan)
)

select * from final
