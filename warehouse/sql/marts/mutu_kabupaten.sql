-- One row per kabupaten and date, from the first date of any loaded report to the latest date any
-- loaded report or any file with a valid date is for: how well the district office reported, over
-- the 7 and the 30 days ending that date (docs/definitions.md). DHIS2's reporting rate and timeliness
-- are the anchor: a day is expected from every kabupaten in scope.
--
-- A row for date D depends only on the files dated D-29 .. D (their current decisions, their arrival
-- and their findings), the loaded reports of those dates and the reference;
-- nothing dated after D. The windows are cut at the first date (no day before it is expected).
--
-- Brought up to date for the kabupaten and dates in perubahan_mart (kode_kabupaten, dari): the rows
-- dated on or after dari, from the files and reports dated dari-29 on, within the first and latest
-- dates of the whole warehouse.
-- A file whose date is not valid (tanggal_tidak_valid) cannot be counted for a date, and a
-- duplicate (a copy of an earlier file) is ignored, as the pipeline ignores it.
--
-- key: kode_kabupaten, tanggal
-- reads: kualitas_data, progres_kecamatan, unggahan, wilayah_kabupaten, wilayah_kecamatan
-- refresh: by_kabupaten_tanggal
-- partition: tanggal, kode_kabupaten
-- comment: Mutu pelaporan per kabupaten/kota: satu baris per kabupaten dan tanggal, dari tanggal
--   pertama laporan dimuat sampai tanggal terakhir laporan atau berkas bertanggal sah; hari itu dan
--   jendela 7 dan 30 hari yang berakhir pada tanggal itu (docs/definitions.md).
-- column tanggal: Tanggal laporan yang diharapkan (DATE).
-- column kode_kabupaten: Kode kabupaten/kota (4 digit).
-- column nama_kabupaten: Nama kabupaten/kota menurut daftar Kemendagri.
-- column lapor: true bila kabupaten punya laporan dimuat untuk tanggal itu.
-- column tepat_waktu: true bila ada berkas sah (loaded atau superseded) tanggal itu yang pertama
--   terlihat pada atau sebelum batas_waktu.
-- column pertama_masuk: Waktu pertama terlihat berkas SAH (loaded atau superseded) paling awal untuk
--   tanggal itu, bukan berkas pertama apa pun (berkas ditolak tidak dihitung); timestamptz.
-- column batas_waktu: Tenggat berkas tanggal itu: pukul 02.00 WITA keesokan harinya; timestamptz.
-- column kecamatan_lapor: Banyaknya kecamatan dalam laporan dimuat tanggal itu.
-- column kecamatan_total: Banyaknya kecamatan kabupaten/kota itu menurut daftar Kemendagri.
-- column berkas: Banyaknya berkas bertanggal itu, tanpa salinan (duplicate) dan tanpa berkas
--   bertanggal tidak sah.
-- column berkas_ditolak: Banyaknya berkas itu yang ditolak (rejected).
-- column berkas_diganti: Banyaknya berkas itu yang sah tetapi digantikan berkas lebih baru (superseded).
-- column berkas_terlambat: Banyaknya berkas sah itu yang pertama terlihat sesudah batas_waktu.
-- column peringatan: Banyaknya temuan tingkat warning pada berkas yang dimuat tanggal itu.
-- column hari_7: Banyaknya hari dalam jendela 7 hari (kurang dari 7 di awal deret).
-- column persen_lapor_7: Tingkat pelaporan 7 hari: 100 x hari lapor / hari_7.
-- column persen_tepat_waktu_7: Ketepatan waktu 7 hari: 100 x hari tepat_waktu / hari_7.
-- column persen_lengkap_7: Kelengkapan 7 hari: 100 x jumlah kecamatan_lapor / (kecamatan_total x hari
--   lapor); kosong bila tidak ada laporan.
-- column persen_ditolak_7: Tingkat penolakan 7 hari: 100 x jumlah berkas_ditolak / jumlah berkas; kosong
--   bila tidak ada berkas.
-- column koreksi_7: Jumlah berkas_diganti dalam 7 hari.
-- column terlambat_7: Jumlah berkas_terlambat dalam 7 hari.
-- column peringatan_per_laporan_7: Jumlah peringatan / hari lapor dalam 7 hari; kosong bila tidak ada laporan.
-- column skor_7: (persen_lapor_7 + persen_tepat_waktu_7 + persen_lengkap_7 + 100 - persen_ditolak_7) / 4;
--   lengkap kosong dihitung 0, ditolak kosong dihitung 100.
-- column hari_30: Banyaknya hari dalam jendela 30 hari (kurang dari 30 di awal deret).
-- column persen_lapor_30: Tingkat pelaporan 30 hari: 100 x hari lapor / hari_30.
-- column persen_tepat_waktu_30: Ketepatan waktu 30 hari: 100 x hari tepat_waktu / hari_30.
-- column persen_lengkap_30: Kelengkapan 30 hari: 100 x jumlah kecamatan_lapor / (kecamatan_total x hari
--   lapor); kosong bila tidak ada laporan.
-- column persen_ditolak_30: Tingkat penolakan 30 hari: 100 x jumlah berkas_ditolak / jumlah berkas;
--   kosong bila tidak ada berkas.
-- column koreksi_30: Jumlah berkas_diganti dalam 30 hari.
-- column terlambat_30: Jumlah berkas_terlambat dalam 30 hari.
-- column peringatan_per_laporan_30: Jumlah peringatan / hari lapor dalam 30 hari; kosong bila tidak ada laporan.
-- column skor_30: (persen_lapor_30 + persen_tepat_waktu_30 + persen_lengkap_30 + 100 - persen_ditolak_30) / 4;
--   lengkap kosong dihitung 0, ditolak kosong dihitung 100.
with

perubahan as (
    select kode_kabupaten, dari, dari - 29 as sejak from perubahan_mart
),

kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

kecamatan as (
    select kode_kabupaten from wilayah_kecamatan
),

-- The reports and files of the 29 days before each dari on (the 30-day window ending it). `$mulai`,
-- the earliest dari named, is a constant: DuckDB skips the row groups of earlier dates.
laporan_kecamatan as (
    select laporan.tanggal, laporan.kode_kabupaten
    from progres_kecamatan as laporan
    inner join perubahan using (kode_kabupaten)
    where laporan.tanggal >= perubahan.sejak and laporan.tanggal >= $mulai - 29
),

berkas_tercatat as (
    select berkas_semua.file, berkas_semua.sha256, berkas_semua.kode_kabupaten, berkas_semua.tanggal,
        berkas_semua.status, berkas_semua.tiba_pada
    from unggahan as berkas_semua
    inner join perubahan using (kode_kabupaten)
    where
        berkas_semua.status <> 'duplicate'
        and berkas_semua.tanggal >= perubahan.sejak
        and berkas_semua.tanggal >= $mulai - 29
),

-- Read twice below: not materialized, or DuckDB would first copy out every finding ever made.
temuan as not materialized (
    select file, sha256, aturan, tingkat from kualitas_data
),

kecamatan_total as (
    select kode_kabupaten, count(*) as kecamatan_total
    from kecamatan
    group by kode_kabupaten
),

laporan as (
    select tanggal, kode_kabupaten, count(*) as kecamatan_lapor
    from laporan_kecamatan
    group by tanggal, kode_kabupaten
),

berkas as (
    select
        berkas_tercatat.*,
        -- A file arrives when it is first seen (CONTRACT §2: the earlier of its modification time
        -- and the run that first saw it; recorded once).
        berkas_tercatat.tiba_pada as pertama_terlihat,
        berkas_tercatat.status in ('loaded', 'superseded') as sah,
        -- In the landing folder before the nightly run of 02:00 WITA the next day (the contract's).
        berkas_tercatat.tiba_pada <= batas_waktu(berkas_tercatat.tanggal) as tepat
    from berkas_tercatat
    anti join (select file, sha256 from temuan where aturan = 'tanggal_tidak_valid') as tanggal_salah
        using (file, sha256)
),

berkas_harian as (
    select
        kode_kabupaten,
        tanggal,
        count(*) as berkas,
        count(*) filter (where status = 'rejected') as berkas_ditolak,
        count(*) filter (where status = 'superseded') as berkas_diganti,
        count(*) filter (where sah and not tepat) as berkas_terlambat,
        coalesce(bool_or(sah and tepat), false) as tepat_waktu,
        min(pertama_terlihat) filter (where sah) as pertama_masuk
    from berkas
    group by kode_kabupaten, tanggal
),

peringatan as (
    select berkas_tercatat.kode_kabupaten, berkas_tercatat.tanggal, count(*) as peringatan
    from temuan
    inner join berkas_tercatat using (file, sha256)
    where temuan.tingkat = 'warning' and berkas_tercatat.status = 'loaded'
    group by berkas_tercatat.kode_kabupaten, berkas_tercatat.tanggal
),

-- The whole warehouse's first and latest dates, not only those of the kabupaten brought up to
-- date: found once for every mart (rentang_mart), where this mart searched every report and file.
rentang as (
    select
        pertama_laporan as pertama,
        greatest(terakhir_laporan, terakhir_berkas) as terakhir
    from rentang_mart
),

spine as (
    select
        perubahan.kode_kabupaten,
        perubahan.dari,
        unnest(generate_series(greatest(rentang.pertama, perubahan.sejak), rentang.terakhir, interval 1 day))::date as tanggal
    from perubahan
    inner join kabupaten using (kode_kabupaten)
    cross join rentang
    where rentang.pertama is not null
),

harian as (
    select
        spine.tanggal,
        spine.kode_kabupaten,
        spine.dari,
        coalesce(laporan.kecamatan_lapor, 0) > 0 as lapor,
        coalesce(berkas_harian.tepat_waktu, false) as tepat_waktu,
        berkas_harian.pertama_masuk,
        batas_waktu(spine.tanggal) as batas_waktu,
        coalesce(laporan.kecamatan_lapor, 0) as kecamatan_lapor,
        coalesce(kecamatan_total.kecamatan_total, 0) as kecamatan_total,
        coalesce(berkas_harian.berkas, 0) as berkas,
        coalesce(berkas_harian.berkas_ditolak, 0) as berkas_ditolak,
        coalesce(berkas_harian.berkas_diganti, 0) as berkas_diganti,
        coalesce(berkas_harian.berkas_terlambat, 0) as berkas_terlambat,
        coalesce(peringatan.peringatan, 0) as peringatan
    from spine
    left join laporan using (kode_kabupaten, tanggal)
    left join berkas_harian using (kode_kabupaten, tanggal)
    left join peringatan using (kode_kabupaten, tanggal)
    left join kecamatan_total using (kode_kabupaten)
),

-- The spine has a row for every day from the first date, so 7 rows are the 7 days ending the date.
jendela as (
    select
        *,
        count(*) over hari_7 as hari_7,
        count(*) filter (where lapor) over hari_7 as lapor_7,
        count(*) filter (where tepat_waktu) over hari_7 as tepat_7,
        sum(kecamatan_lapor) over hari_7 as kecamatan_lapor_7,
        sum(berkas) over hari_7 as berkas_7,
        sum(berkas_ditolak) over hari_7 as ditolak_7,
        sum(berkas_diganti) over hari_7 as diganti_7,
        sum(berkas_terlambat) over hari_7 as terlambat_7,
        sum(peringatan) over hari_7 as peringatan_7,
        count(*) over hari_30 as hari_30,
        count(*) filter (where lapor) over hari_30 as lapor_30,
        count(*) filter (where tepat_waktu) over hari_30 as tepat_30,
        sum(kecamatan_lapor) over hari_30 as kecamatan_lapor_30,
        sum(berkas) over hari_30 as berkas_30,
        sum(berkas_ditolak) over hari_30 as ditolak_30,
        sum(berkas_diganti) over hari_30 as diganti_30,
        sum(berkas_terlambat) over hari_30 as terlambat_30,
        sum(peringatan) over hari_30 as peringatan_30
    from harian
    window
        hari_7 as (partition by kode_kabupaten order by tanggal rows between 6 preceding and current row),
        hari_30 as (partition by kode_kabupaten order by tanggal rows between 29 preceding and current row)
),

persen as (
    select
        *,
        100.0 * lapor_7 / hari_7 as lapor_7_,
        100.0 * tepat_7 / hari_7 as tepat_7_,
        100.0 * kecamatan_lapor_7 / nullif(kecamatan_total * lapor_7, 0) as lengkap_7_,
        100.0 * ditolak_7 / nullif(berkas_7, 0) as ditolak_7_,
        100.0 * lapor_30 / hari_30 as lapor_30_,
        100.0 * tepat_30 / hari_30 as tepat_30_,
        100.0 * kecamatan_lapor_30 / nullif(kecamatan_total * lapor_30, 0) as lengkap_30_,
        100.0 * ditolak_30 / nullif(berkas_30, 0) as ditolak_30_
    from jendela
),

final as (
    select
        persen.tanggal,
        persen.kode_kabupaten,
        kabupaten.nama as nama_kabupaten,
        -- the day itself
        persen.lapor,
        persen.tepat_waktu,
        persen.pertama_masuk,
        persen.batas_waktu,
        persen.kecamatan_lapor::integer as kecamatan_lapor,
        persen.kecamatan_total::integer as kecamatan_total,
        persen.berkas::integer as berkas,
        persen.berkas_ditolak::integer as berkas_ditolak,
        persen.berkas_diganti::integer as berkas_diganti,
        persen.berkas_terlambat::integer as berkas_terlambat,
        persen.peringatan::integer as peringatan,
        -- the 7 days ending it
        persen.hari_7::integer as hari_7,
        round(persen.lapor_7_, 2)::decimal(5, 2) as persen_lapor_7,
        round(persen.tepat_7_, 2)::decimal(5, 2) as persen_tepat_waktu_7,
        round(persen.lengkap_7_, 2)::decimal(5, 2) as persen_lengkap_7,
        round(persen.ditolak_7_, 2)::decimal(5, 2) as persen_ditolak_7,
        persen.diganti_7::integer as koreksi_7,
        persen.terlambat_7::integer as terlambat_7,
        round(persen.peringatan_7 / nullif(persen.lapor_7, 0), 2)::decimal(9, 2) as peringatan_per_laporan_7,
        round((persen.lapor_7_ + persen.tepat_7_ + coalesce(persen.lengkap_7_, 0)
               + 100 - coalesce(persen.ditolak_7_, 100)) / 4, 2)::decimal(5, 2) as skor_7,
        -- the 30 days ending it
        persen.hari_30::integer as hari_30,
        round(persen.lapor_30_, 2)::decimal(5, 2) as persen_lapor_30,
        round(persen.tepat_30_, 2)::decimal(5, 2) as persen_tepat_waktu_30,
        round(persen.lengkap_30_, 2)::decimal(5, 2) as persen_lengkap_30,
        round(persen.ditolak_30_, 2)::decimal(5, 2) as persen_ditolak_30,
        persen.diganti_30::integer as koreksi_30,
        persen.terlambat_30::integer as terlambat_30,
        round(persen.peringatan_30 / nullif(persen.lapor_30, 0), 2)::decimal(9, 2) as peringatan_per_laporan_30,
        round((persen.lapor_30_ + persen.tepat_30_ + coalesce(persen.lengkap_30_, 0)
               + 100 - coalesce(persen.ditolak_30_, 100)) / 4, 2)::decimal(5, 2) as skor_30
    from persen
    left join kabupaten using (kode_kabupaten)
    where persen.tanggal >= persen.dari
)

select * from final
order by tanggal, kode_kabupaten
