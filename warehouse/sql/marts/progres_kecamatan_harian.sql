-- One row per kecamatan and date, from its first loaded report to the latest date of any report:
-- the kecamatan's latest report on or before the date carried forward (as progres_kabupaten carries
-- its kecamatan), so that a kecamatan that skipped a day still has that day's figures, and says
-- which report they come from (tanggal_laporan; lapor when it is that very date's).
--
-- Brought up to date for the kabupaten and dates in perubahan_mart (kode_kabupaten, dari): the rows
-- dated on or after dari. Each kecamatan starts from its latest report before dari (an opening
-- balance), so a night reads the reports from dari on and one report per kecamatan before it,
-- however long the history behind. A row depends on the kecamatan's reports up to its date, and on
-- the latest date of any report (the spine's end).
--
-- key: kode_kecamatan, tanggal
-- reads: laporan_kecamatan_terakhir, progres_kecamatan
-- refresh: by_kabupaten_tanggal
-- partition: kode_kecamatan, tanggal
-- comment: Deret harian per kecamatan: satu baris per kecamatan dan tanggal, dari laporan pertamanya
--   sampai tanggal terakhir laporan mana pun; angka laporan terakhir pada atau sebelum tanggal itu
--   dibawa maju (tanggal_laporan menyebut laporan asalnya).
-- column tanggal: Tanggal deret (DATE), setiap hari tanpa celah.
-- column kode_kabupaten: Kode kabupaten/kota kecamatan itu (4 digit).
-- column kode_kecamatan: Kode kecamatan Kemendagri (6 digit).
-- column nama_kecamatan: Nama kecamatan menurut daftar Kemendagri.
-- column wajib_ktp: Penduduk wajib KTP menurut laporan asal (dibawa maju).
-- column sudah_rekam: Penduduk yang sudah rekam menurut laporan asal (dibawa maju).
-- column belum_rekam: wajib_ktp - sudah_rekam menurut laporan asal (dibawa maju).
-- column sudah_cetak: KTP-el yang sudah dicetak menurut laporan asal (dibawa maju); kosong bila
--   laporan itu tidak mengisinya.
-- column persen_rekam: 100 x sudah_rekam / wajib_ktp, dibulatkan 2 desimal, dari laporan asal.
-- column rekam_hari_ini: Perekaman pada tanggal itu menurut laporan tanggal itu (kosong dihitung 0);
--   0 bila kecamatan tidak lapor pada tanggal itu (tidak dibawa maju).
-- column lapor: true bila kecamatan lapor tepat pada tanggal itu (tanggal_laporan = tanggal).
-- column tanggal_laporan: Tanggal laporan asal angka baris ini: laporan terakhir kecamatan pada atau
--   sebelum tanggal itu.
-- column hari_sejak_laporan: Umur angka dalam hari: tanggal - tanggal_laporan (0 bila lapor hari itu).
-- column file_sumber: Berkas laporan asal (unggahan.file, jalur relatif terhadap folder landing).
with

perubahan as (
    select kode_kabupaten, dari from perubahan_mart
),

-- Read three times below: not materialized, or DuckDB would first write out every column of the
-- districts' whole history (see progres_kecamatan).
laporan_kabupaten as not materialized (
    select laporan.*, perubahan.dari
    from progres_kecamatan as laporan
    inner join perubahan using (kode_kabupaten)
),

-- The opening balance: each kecamatan's latest report before dari; its latest report when that
-- lies before dari (the run changed nothing before it; see progres_kecamatan), else read from its
-- reports.
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

laporan_dibaca as (
    select laporan_kabupaten.*
    from laporan_kabupaten
    semi join perlu_riwayat using (kode_kecamatan)
),

sebelum_dari as (
    select laporan_kabupaten.*
    from laporan_kabupaten
    semi join terakhir_sebelum_dari using (kode_kecamatan, tanggal)
    union all
    select * from laporan_terakhir(laporan_dibaca, dari - 1)
),

dipakai as (
    select * from laporan_kabupaten where tanggal >= dari
    union all
    select * from sebelum_dari
),

-- The latest date of any loaded report, found once for every mart (rentang_mart).
akhir as (
    select terakhir_laporan as terakhir from rentang_mart
),

awal as (
    select kode_kecamatan, kode_kabupaten, greatest(min(tanggal), min(dari)) as mulai
    from dipakai
    group by kode_kecamatan, kode_kabupaten
),

hari as (
    select
        awal.kode_kecamatan,
        awal.kode_kabupaten,
        unnest(generate_series(awal.mulai, akhir.terakhir, interval 1 day))::date as tanggal
    from awal
    cross join akhir
),

final as (
    select
        hari.tanggal,
        hari.kode_kabupaten,
        hari.kode_kecamatan,
        dipakai.nama_kecamatan,
        dipakai.wajib_ktp,
        dipakai.sudah_rekam,
        dipakai.belum_rekam,
        dipakai.sudah_cetak,
        dipakai.persen_rekam,
        case when dipakai.tanggal = hari.tanggal then coalesce(dipakai.rekam_hari_ini, 0) else 0 end::bigint
            as rekam_hari_ini,
        dipakai.tanggal = hari.tanggal as lapor,
        dipakai.tanggal as tanggal_laporan,
        (hari.tanggal - dipakai.tanggal)::integer as hari_sejak_laporan,
        dipakai.file_sumber
    from hari
    asof inner join dipakai
        on hari.kode_kecamatan = dipakai.kode_kecamatan and hari.tanggal >= dipakai.tanggal
)

select * from final
order by kode_kecamatan, tanggal
