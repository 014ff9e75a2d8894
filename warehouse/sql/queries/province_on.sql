-- The province figures for one date (one row per province in scope); after the last loaded report
-- (a day nobody reported) the last figures carried forward, with nothing recorded or reported.
--
-- key: kode_provinsi
-- reads: progres_provinsi
with

provinsi as (
    select * from progres_provinsi
),

terakhir as (
    select *
    from provinsi
    where tanggal <= $tanggal
    qualify row_number() over (partition by kode_provinsi order by tanggal desc) = 1
),

final as (
    select
        $tanggal::date as tanggal,
        kode_provinsi,
        wajib_ktp,
        sudah_rekam,
        belum_rekam,
        case when tanggal = $tanggal then rekam_hari_ini else 0 end::bigint as rekam_hari_ini,
        persen_rekam,
        case when tanggal = $tanggal then kabupaten_lapor else 0 end::integer as kabupaten_lapor
    from terakhir
)

select * from final
order by kode_provinsi
