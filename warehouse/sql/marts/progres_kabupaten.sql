-- One row per kabupaten and date, from its first loaded report to the latest date of any report.
-- Stocks carry each kecamatan's latest report on or before the date forward.
with

reports as (
    select * from progres_kecamatan
),

kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

kecamatan_total as (
    select kode_kabupaten, count(*) as kecamatan_total
    from wilayah_kecamatan
    group by kode_kabupaten
),

first_report as (
    select kode_kabupaten, min(tanggal) as pertama
    from reports
    group by kode_kabupaten
),

last_date as (
    select max(tanggal) as terakhir from reports
),

spine as (
    select
        first_report.kode_kabupaten,
        unnest(generate_series(first_report.pertama, last_date.terakhir, interval 1 day))::date as tanggal
    from first_report
    cross join last_date
),

kecamatan_spine as (
    select spine.tanggal, spine.kode_kabupaten, seen.kode_kecamatan
    from spine
    inner join (select distinct kode_kabupaten, kode_kecamatan from reports) as seen using (kode_kabupaten)
),

carried as (
    select kecamatan_spine.tanggal, kecamatan_spine.kode_kabupaten, reports.wajib_ktp, reports.sudah_rekam
    from kecamatan_spine
    asof left join reports
        on kecamatan_spine.kode_kecamatan = reports.kode_kecamatan
        and kecamatan_spine.tanggal >= reports.tanggal
),

stocks as (
    select
        tanggal,
        kode_kabupaten,
        coalesce(sum(wajib_ktp), 0)::bigint as wajib_ktp,
        coalesce(sum(sudah_rekam), 0)::bigint as sudah_rekam
    from carried
    group by tanggal, kode_kabupaten
),

same_day as (
    select
        tanggal,
        kode_kabupaten,
        sum(coalesce(rekam_hari_ini, 0))::bigint as rekam_hari_ini,
        count(*)::integer as kecamatan_lapor
    from reports
    group by tanggal, kode_kabupaten
),

final as (
    select
        stocks.tanggal,
        stocks.kode_kabupaten,
        kabupaten.nama as nama_kabupaten,
        stocks.wajib_ktp,
        stocks.sudah_rekam,
        stocks.wajib_ktp - stocks.sudah_rekam as belum_rekam,
        coalesce(same_day.rekam_hari_ini, 0)::bigint as rekam_hari_ini,
        round(100 * stocks.sudah_rekam / nullif(stocks.wajib_ktp, 0), 2)::decimal(6, 2) as persen_rekam,
        coalesce(same_day.kecamatan_lapor, 0)::integer as kecamatan_lapor,
        coalesce(kecamatan_total.kecamatan_total, 0)::integer as kecamatan_total
    from stocks
    left join same_day using (tanggal, kode_kabupaten)
    left join kabupaten using (kode_kabupaten)
    left join kecamatan_total using (kode_kabupaten)
)

select * from final
order by tanggal, kode_kabupaten
