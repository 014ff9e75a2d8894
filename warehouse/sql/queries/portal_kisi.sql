-- The province grid: every kabupaten in scope and date from $dari to $sampai, with the state of
-- its report (a file arrives when it is first seen: unggahan.tiba_pada, CONTRACT §2):
--   dimuat     a file is loaded, and a valid file of that date arrived before the nightly that
--              was due to take it (batas_waktu: 02:00 WITA of the next day)
--   terlambat  a file is loaded, but every valid file of that date arrived after that nightly
--   ditolak    files arrived and none is loaded: at least one was rejected
--   tidak_ada  nothing arrived (or only copies)
--
-- key: kode_kabupaten, tanggal
-- reads: unggahan, wilayah_kabupaten
with

wilayah_kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

unggahan as (
    select kode_kabupaten, tanggal, status, tiba_pada
    from unggahan
    where tanggal between $dari and $sampai
),

hari as (
    select unnest(generate_series($dari::date, $sampai::date, interval 1 day))::date as tanggal
),

per_hari as (
    select
        kode_kabupaten,
        tanggal,
        bool_or(status = 'loaded') as ada_dimuat,
        bool_or(status = 'rejected') as ada_ditolak,
        min(tiba_pada) filter (where status in ('loaded', 'superseded')) as tiba_pertama,
        count(*) as berkas
    from unggahan
    group by kode_kabupaten, tanggal
),

final as (
    select
        wilayah_kabupaten.kode_kabupaten,
        wilayah_kabupaten.nama as nama_kabupaten,
        hari.tanggal,
        case
            when per_hari.ada_dimuat and per_hari.tiba_pertama <= batas_waktu(hari.tanggal) then 'dimuat'
            when per_hari.ada_dimuat then 'terlambat'
            when per_hari.ada_ditolak then 'ditolak'
            else 'tidak_ada'
        end as keadaan,
        coalesce(per_hari.berkas, 0) as berkas
    from wilayah_kabupaten
    cross join hari
    left join per_hari using (kode_kabupaten, tanggal)
    order by wilayah_kabupaten.kode_kabupaten, hari.tanggal
)

select * from final
