-- The daily series of the report's scope up to $tanggal: the headline (its last row), the chart and its pace.
-- A date after the last loaded report (a day nobody reported) is still a day of the series: the
-- stocks of the last one are carried to it, with nothing recorded and no kabupaten reporting.
--
-- key: tanggal
-- reads: progres_provinsi
with

progres_provinsi as (
    select tanggal, kode_provinsi, wajib_ktp, sudah_rekam, belum_rekam, rekam_hari_ini, kabupaten_lapor
    from progres_provinsi
    where dalam_cakupan(kode_provinsi, $provinsi)
),

summed as (
    select
        tanggal,
        sum(wajib_ktp)::bigint as wajib_ktp,
        sum(sudah_rekam)::bigint as sudah_rekam,
        sum(belum_rekam)::bigint as belum_rekam,
        sum(rekam_hari_ini)::bigint as rekam_hari_ini,
        sum(kabupaten_lapor)::integer as kabupaten_lapor
    from progres_provinsi
    where tanggal <= $tanggal
    group by tanggal
),

spine as (
    select unnest(generate_series(min(tanggal), $tanggal::date, interval 1 day))::date as tanggal
    from summed
    having count(*) > 0
),

carried as (
    select
        spine.tanggal,
        summed.wajib_ktp,
        summed.sudah_rekam,
        summed.belum_rekam,
        case when summed.tanggal = spine.tanggal then summed.rekam_hari_ini else 0 end::bigint as rekam_hari_ini,
        case when summed.tanggal = spine.tanggal then summed.kabupaten_lapor else 0 end::integer as kabupaten_lapor
    from spine
    asof left join summed on spine.tanggal >= summed.tanggal
),

final as (
    select
        tanggal,
        wajib_ktp,
        sudah_rekam,
        belum_rekam,
        rekam_hari_ini,
        round(100 * sudah_rekam / nullif(wajib_ktp, 0), 2)::decimal(6, 2) as persen_rekam,
        kabupaten_lapor
    from carried
    order by tanggal
)

select * from final
