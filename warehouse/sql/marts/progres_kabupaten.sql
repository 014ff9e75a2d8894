-- One row per kabupaten and date, from its first loaded report to the latest date of any report.
-- Stocks carry each kecamatan's latest report on or before the date forward. Computed as a running
-- sum of each kecamatan's change since its previous report (no kecamatan x date spine to as-of join).
--
-- Brought up to date for the kabupaten and dates in perubahan_mart (kode_kabupaten, dari): the rows
-- dated on or after dari. Their stocks start from an opening balance on the day before dari: each
-- kecamatan's latest report before it (what the running sum up to then adds up to). A row depends
-- on the kabupaten's reports up to its date, and on the latest date of any report (the spine's end).
--
-- key: kode_kabupaten, tanggal
-- reads: laporan_kecamatan_terakhir, progres_kecamatan, wilayah_kabupaten, wilayah_kecamatan
-- refresh: by_kabupaten_tanggal
-- partition: tanggal, kode_kabupaten
-- journal: riwayat_progres_kabupaten
-- comment: Progres per kabupaten/kota: satu baris per kabupaten dan tanggal, dari laporan pertamanya
--   sampai tanggal terakhir laporan mana pun; stok = jumlah laporan terakhir setiap kecamatan pada
--   atau sebelum tanggal itu (dibawa maju).
-- column tanggal: Tanggal (DATE), setiap hari tanpa celah.
-- column kode_kabupaten: Kode kabupaten/kota (4 digit).
-- column nama_kabupaten: Nama kabupaten/kota menurut daftar Kemendagri.
-- column wajib_ktp: Jumlah wajib_ktp laporan terakhir setiap kecamatan pada atau sebelum tanggal itu.
-- column sudah_rekam: Jumlah sudah_rekam laporan terakhir setiap kecamatan pada atau sebelum tanggal itu.
-- column belum_rekam: wajib_ktp - sudah_rekam.
-- column rekam_hari_ini: Jumlah rekam_hari_ini laporan kecamatan tepat pada tanggal itu (kosong dihitung 0);
--   0 bila tidak ada laporan tanggal itu.
-- column persen_rekam: 100 x sudah_rekam / wajib_ktp, dibulatkan 2 desimal.
-- column kecamatan_lapor: Banyaknya kecamatan yang lapor tepat pada tanggal itu.
-- column kecamatan_total: Banyaknya kecamatan kabupaten/kota itu menurut daftar Kemendagri.
with

perubahan as (
    select kode_kabupaten, dari from perubahan_mart
),

-- Read three times below: not materialized, or DuckDB would first write out every column of the
-- districts' whole history (see progres_kecamatan).
reports as not materialized (
    select laporan.*, perubahan.dari
    from progres_kecamatan as laporan
    inner join perubahan using (kode_kabupaten)
),

kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

kecamatan_total as (
    select kode_kabupaten, count(*) as kecamatan_total
    from wilayah_kecamatan
    group by kode_kabupaten
),

-- Each kecamatan's latest report before dari: its latest report when that lies before dari (the
-- run changed nothing before it; see progres_kecamatan), else read from its reports.
terakhir_sebelum_dari as (
    select terakhir.kode_kecamatan, terakhir.tanggal
    from laporan_kecamatan_terakhir as terakhir
    inner join perubahan using (kode_kabupaten)
    where terakhir.tanggal < perubahan.dari
),

-- The others (see progres_kecamatan): named by a semi join, which reads no history when there
-- are none, where an anti join against the kecamatan above read every report.
perlu_riwayat as (
    select terakhir.kode_kecamatan
    from laporan_kecamatan_terakhir as terakhir
    inner join perubahan using (kode_kabupaten)
    where terakhir.tanggal >= perubahan.dari
),

reports_dibaca as (
    select reports.* from reports semi join perlu_riwayat using (kode_kecamatan)
),

sebelum_dari as (
    select reports.* from reports semi join terakhir_sebelum_dari using (kode_kecamatan, tanggal)
    union all
    select * from laporan_terakhir(reports_dibaca, dari - 1)
),

pembuka as (
    select
        dari - 1 as tanggal,
        kode_kabupaten,
        sum(wajib_ktp) as wajib_ktp,
        sum(sudah_rekam) as sudah_rekam
    from sebelum_dari
    group by kode_kabupaten, dari
),

changes as (
    select
        tanggal,
        kode_kabupaten,
        wajib_ktp - coalesce(lag(wajib_ktp) over previous, 0) as wajib_ktp,
        sudah_rekam - coalesce(lag(sudah_rekam) over previous, 0) as sudah_rekam,
        coalesce(rekam_hari_ini, 0) as rekam_hari_ini,
        tanggal >= dari as dihitung
    from (select * from reports where tanggal >= dari union all select * from sebelum_dari)
    window previous as (partition by kode_kecamatan order by tanggal)
),

same_day as (
    select
        tanggal,
        kode_kabupaten,
        sum(wajib_ktp) as wajib_ktp,
        sum(sudah_rekam) as sudah_rekam,
        sum(rekam_hari_ini)::bigint as rekam_hari_ini,
        count(*)::integer as kecamatan_lapor
    from changes
    where dihitung
    group by tanggal, kode_kabupaten
    union all
    select tanggal, kode_kabupaten, wajib_ktp, sudah_rekam, 0, 0 from pembuka
),

first_report as (
    select kode_kabupaten, min(tanggal) as pertama
    from same_day
    group by kode_kabupaten
),

-- The latest date of any loaded report, found once for every mart (rentang_mart).
last_date as (
    select terakhir_laporan as terakhir from rentang_mart
),

spine as (
    select
        first_report.kode_kabupaten,
        unnest(generate_series(first_report.pertama, last_date.terakhir, interval 1 day))::date as tanggal
    from first_report
    cross join last_date
),

stocks as (
    select
        spine.tanggal,
        spine.kode_kabupaten,
        sum(coalesce(same_day.wajib_ktp, 0)) over running as wajib_ktp,
        sum(coalesce(same_day.sudah_rekam, 0)) over running as sudah_rekam,
        coalesce(same_day.rekam_hari_ini, 0) as rekam_hari_ini,
        coalesce(same_day.kecamatan_lapor, 0) as kecamatan_lapor
    from spine
    left join same_day using (kode_kabupaten, tanggal)
    window running as (partition by spine.kode_kabupaten order by spine.tanggal)
),

final as (
    select
        stocks.tanggal,
        stocks.kode_kabupaten,
        kabupaten.nama as nama_kabupaten,
        stocks.wajib_ktp::bigint as wajib_ktp,
        stocks.sudah_rekam::bigint as sudah_rekam,
        (stocks.wajib_ktp - stocks.sudah_rekam)::bigint as belum_rekam,
        stocks.rekam_hari_ini::bigint as rekam_hari_ini,
        round(100 * stocks.sudah_rekam / nullif(stocks.wajib_ktp, 0), 2)::decimal(6, 2) as persen_rekam,
        stocks.kecamatan_lapor::integer as kecamatan_lapor,
        coalesce(kecamatan_total.kecamatan_total, 0)::integer as kecamatan_total
    from stocks
    inner join perubahan using (kode_kabupaten)
    left join kabupaten using (kode_kabupaten)
    left join kecamatan_total using (kode_kabupaten)
    where stocks.tanggal >= perubahan.dari
)

select * from final
order by tanggal, kode_kabupaten
