-- Each kecamatan's latest current report, and the date of its first (warehouse/terakhir.py): what
-- the history check of a batch needs to know which districts must read their history
-- (warehouse/read.py loaded_reports). One row per kecamatan, read once per published warehouse
-- by a process that checks many batches (the portal: ~7 ms a round less than this joined to each
-- batch here). `pertama` is null in a catalog published before migration 013 (read.py).
--
-- key: kode_kecamatan
-- reads: laporan_kecamatan_terakhir, laporan_kecamatan_pertama
with

final as (
    select
        terakhir.kode_kabupaten,
        terakhir.kode_kecamatan,
        terakhir.tanggal,
        terakhir.sudah_rekam,
        terakhir.wajib_ktp,
        pertama.tanggal as pertama
    from laporan_kecamatan_terakhir as terakhir
    left join laporan_kecamatan_pertama as pertama using (kode_kecamatan)
)

select * from final
