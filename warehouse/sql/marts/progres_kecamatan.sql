-- One row per kecamatan and date it was reported, from the current (loaded) file.
--
-- Brought up to date for the kabupaten and dates in perubahan_mart (kode_kabupaten, dari): the
-- rows dated on or after dari (a full rebuild names every kabupaten from the first day). A row
-- depends on its own report and on the kecamatan's previous loaded report (rekam_hari_ini).
--
-- key: kode_kecamatan, tanggal
-- reads: laporan_kecamatan_terakhir, riwayat_kecamatan, unggahan, wilayah_kecamatan
-- refresh: by_kabupaten_tanggal
-- partition: kode_kecamatan, tanggal
-- comment: Progres perekaman per kecamatan: satu baris per kecamatan dan tanggal yang dilaporkan, dari
--   berkas yang berlaku (status loaded); hari tanpa laporan tidak punya baris (deret harian:
--   progres_kecamatan_harian).
-- column tanggal: Tanggal laporan (DATE).
-- column kode_kabupaten: Kode kabupaten/kota (4 digit): folder kotak masuk berkasnya.
-- column kode_kecamatan: Kode kecamatan Kemendagri (6 digit).
-- column nama_kecamatan: Nama kecamatan menurut daftar Kemendagri (nama dalam berkas bila tidak ada di daftar).
-- column wajib_ktp: Penduduk wajib KTP menurut laporan.
-- column sudah_rekam: Penduduk wajib KTP yang sudah rekam, kumulatif, menurut laporan.
-- column belum_rekam: wajib_ktp - sudah_rekam.
-- column rekam_hari_ini: Perekaman pada tanggal laporan; bila kabupaten tidak mengisinya, kenaikan
--   sudah_rekam sejak laporan sah sebelumnya kecamatan itu (kosong pada laporan pertamanya).
-- column rekam_keliling: Bagian rekam_hari_ini oleh pelayanan keliling; kosong bila tidak dilaporkan.
-- column sudah_cetak: KTP-el yang sudah dicetak, kumulatif; kosong bila tidak dilaporkan.
-- column persen_rekam: 100 x sudah_rekam / wajib_ktp, dibulatkan 2 desimal.
-- column file_sumber: Berkas asal baris ini (unggahan.file: jalur relatif terhadap folder landing).
with

perubahan as (
    select kode_kabupaten, dari from perubahan_mart
),

-- The loaded files of the dates from `$mulai` (the earliest dari named, a constant) on: a loaded
-- file's rows all have its date (CONTRACT §2: sources that disagree are an error). All of them,
-- 563,344 on three national years, made a night's hash table (~80 ms against ~15 on 30 days).
loaded as (
    select file, sha256 from unggahan where status = 'loaded' and tanggal >= $mulai
),

riwayat as not materialized (
    select * from riwayat_kecamatan
),

wilayah as (
    select kode_kecamatan, nama from wilayah_kecamatan
),

terakhir as (
    select * from laporan_kecamatan_terakhir
),

current_reports as (
    select riwayat.*, perubahan.dari
    from riwayat
    inner join perubahan using (kode_kabupaten)
    inner join loaded using (file, sha256)
    where riwayat.tanggal >= perubahan.dari
),

-- Each kecamatan's latest report before dari: the rows from dari on need only that one. The run
-- changed nothing before dari, so a kecamatan whose latest report as the run found it
-- (laporan_kecamatan_terakhir, brought up to date after the marts) lies before dari has that one;
-- only the others (a backfill, a correction of an earlier date) read their history.
terakhir_sebelum_dari as (
    select terakhir.*, perubahan.dari
    from terakhir
    inner join perubahan using (kode_kabupaten)
    where terakhir.tanggal < perubahan.dari
),

-- The others: a kecamatan whose latest report lies on or after dari. One with no report at all
-- before this load has none before dari either (the load wrote only dates from dari on). Named by
-- a semi join, which reads no history when there are none (a night of new days), where an anti
-- join of the history against the kecamatan above read every report (250 ms a night on three
-- national years).
perlu_riwayat as (
    select terakhir.kode_kecamatan, terakhir.kode_kabupaten
    from terakhir
    inner join perubahan using (kode_kabupaten)
    where terakhir.tanggal >= perubahan.dari
),

-- Their kabupaten's loaded files of every date; none read on a night of new days.
loaded_riwayat as (
    select berkas.file, berkas.sha256
    from unggahan as berkas
    semi join perlu_riwayat using (kode_kabupaten)
    where berkas.status = 'loaded'
),

riwayat_dibaca as (
    select riwayat.*, perubahan.dari
    from riwayat
    semi join perlu_riwayat using (kode_kecamatan)
    inner join perubahan using (kode_kabupaten)
    inner join loaded_riwayat using (file, sha256)
),

sebelum_dari as (
    select * from terakhir_sebelum_dari
    union all by name
    select * from laporan_terakhir(riwayat_dibaca, dari - 1)
),

dihitung as (
    select * from current_reports
    union all
    select * from sebelum_dari
),

derived as (
    select
        *,
        -- Absent or empty: the rise since the previous loaded report, negative kept, null at first.
        coalesce(
            rekam_hari_ini,
            sudah_rekam - lag(sudah_rekam) over (partition by kode_kecamatan order by tanggal)
        ) as rekam_hari_ini_final
    from dihitung
),

final as (
    select
        derived.tanggal,
        derived.kode_kabupaten,
        derived.kode_kecamatan,
        coalesce(wilayah.nama, derived.nama_kecamatan) as nama_kecamatan,
        derived.wajib_ktp,
        derived.sudah_rekam,
        derived.wajib_ktp - derived.sudah_rekam as belum_rekam,
        derived.rekam_hari_ini_final as rekam_hari_ini,
        derived.rekam_keliling,
        derived.sudah_cetak,
        round(100 * derived.sudah_rekam / nullif(derived.wajib_ktp, 0), 2)::decimal(6, 2) as persen_rekam,
        derived.file as file_sumber
    from derived
    left join wilayah using (kode_kecamatan)
    where derived.tanggal >= derived.dari
)

-- Stored by kecamatan, then date: a kecamatan's history (the README's example) then reads one block
-- of the table instead of scanning every row.
select * from final
order by kode_kecamatan, tanggal
