-- One row per province and date, from the first to the latest date of any loaded report.
--
-- Brought up to date for the provinces of the kabupaten in perubahan_mart (kode_kabupaten, dari):
-- the rows dated on or after the earliest dari of the province. A row depends on its kabupaten's
-- rows of that date (progres_kabupaten), and on the first and latest dates of any report.
--
-- key: kode_provinsi, tanggal
-- reads: progres_kabupaten, wilayah_kabupaten
-- refresh: by_provinsi_tanggal
-- partition: tanggal, kode_provinsi
-- comment: Progres per provinsi: satu baris per provinsi dan tanggal, dari tanggal pertama sampai
--   terakhir laporan mana pun; jumlah baris progres_kabupaten tanggal itu (stok dibawa maju).
-- column tanggal: Tanggal (DATE), setiap hari tanpa celah.
-- column kode_provinsi: Kode provinsi (2 digit).
-- column wajib_ktp: Jumlah wajib_ktp kabupaten/kota pada tanggal itu (dibawa maju).
-- column sudah_rekam: Jumlah sudah_rekam kabupaten/kota pada tanggal itu (dibawa maju).
-- column belum_rekam: wajib_ktp - sudah_rekam.
-- column rekam_hari_ini: Jumlah rekam_hari_ini laporan tepat pada tanggal itu; 0 bila tidak ada laporan.
-- column persen_rekam: 100 x sudah_rekam / wajib_ktp, dibulatkan 2 desimal.
-- column kabupaten_lapor: Banyaknya kabupaten/kota dengan laporan dimuat tepat pada tanggal itu.
with

-- Read twice below: not materialized, or DuckDB would first copy out every row of the mart.
kabupaten_days as not materialized (
    select * from progres_kabupaten
),

kabupaten as (
    select kode_kabupaten, kode_provinsi from wilayah_kabupaten
),

perubahan_kabupaten as (
    select kode_kabupaten, dari from perubahan_mart
),

perubahan as (
    select kabupaten.kode_provinsi, min(perubahan_kabupaten.dari) as dari
    from perubahan_kabupaten
    inner join kabupaten using (kode_kabupaten)
    group by kabupaten.kode_provinsi
),

-- The first and latest dates of any loaded report, found once for every mart (rentang_mart).
bounds as (
    select pertama_laporan as pertama, terakhir_laporan as terakhir from rentang_mart
),

-- The provinces with a kabupaten row from their dari on: every kabupaten that has a row has one
-- on each date up to the latest (progres_kabupaten), so none before `$mulai` (the earliest dari
-- named, a constant DuckDB skips earlier row groups by) need be read.
provinces as (
    select distinct kabupaten.kode_provinsi, perubahan.dari
    from kabupaten_days
    inner join kabupaten using (kode_kabupaten)
    inner join perubahan using (kode_provinsi)
    where kabupaten_days.tanggal >= perubahan.dari and kabupaten_days.tanggal >= $mulai
),

spine as (
    select
        provinces.kode_provinsi,
        unnest(generate_series(greatest(bounds.pertama, provinces.dari), bounds.terakhir, interval 1 day))::date as tanggal
    from provinces
    cross join bounds
),

summed as (
    select
        kabupaten.kode_provinsi,
        kabupaten_days.tanggal,
        sum(kabupaten_days.wajib_ktp)::bigint as wajib_ktp,
        sum(kabupaten_days.sudah_rekam)::bigint as sudah_rekam,
        sum(kabupaten_days.rekam_hari_ini)::bigint as rekam_hari_ini,
        count(*) filter (where kabupaten_days.kecamatan_lapor > 0)::integer as kabupaten_lapor
    from kabupaten_days
    inner join kabupaten using (kode_kabupaten)
    inner join perubahan using (kode_provinsi)
    where kabupaten_days.tanggal >= perubahan.dari and kabupaten_days.tanggal >= $mulai
    group by kabupaten.kode_provinsi, kabupaten_days.tanggal
),

final as (
    select
        spine.tanggal,
        spine.kode_provinsi,
        coalesce(summed.wajib_ktp, 0)::bigint as wajib_ktp,
        coalesce(summed.sudah_rekam, 0)::bigint as sudah_rekam,
        coalesce(summed.wajib_ktp - summed.sudah_rekam, 0)::bigint as belum_rekam,
        coalesce(summed.rekam_hari_ini, 0)::bigint as rekam_hari_ini,
        round(100 * summed.sudah_rekam / nullif(summed.wajib_ktp, 0), 2)::decimal(6, 2) as persen_rekam,
        coalesce(summed.kabupaten_lapor, 0)::integer as kabupaten_lapor
    from spine
    left join summed using (kode_provinsi, tanggal)
)

select * from final
order by tanggal, kode_provinsi
