-- Each kecamatan's reports from $dari to $tanggal and its latest report before $dari (which stands
-- for $dari when the range has none): the carried-forward input of its 7-day pace, for the
-- mobile-service ranking.
--
-- key: kode_kecamatan, tanggal
-- reads: laporan_kecamatan_terakhir, progres_kecamatan
with

-- Read twice below: not materialized, or DuckDB would first copy out the whole history
-- (782 ms instead of 155 ms on three national years, the readers' 256 MB).
progres_kecamatan as not materialized (
    select tanggal, kode_kabupaten, kode_kecamatan, sudah_rekam, belum_rekam
    from progres_kecamatan
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

laporan_kecamatan_terakhir as (
    select kode_kecamatan, kode_kabupaten, tanggal from laporan_kecamatan_terakhir
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

dalam_rentang as (
    select tanggal, kode_kecamatan, sudah_rekam, belum_rekam
    from progres_kecamatan
    where tanggal between $dari and $tanggal
),

-- The date of each kecamatan's latest report before $dari (a maximum, where a window over every
-- earlier report sorted them all), then that report's row.
tanggal_sebelum as (
    select kode_kecamatan, tanggal
    from tanggal_lapor_terakhir(laporan_kecamatan_terakhir, progres_kecamatan, $dari::date - 1)
),

sebelum as (
    select tanggal, kode_kecamatan, sudah_rekam, belum_rekam
    from progres_kecamatan
    semi join tanggal_sebelum using (kode_kecamatan, tanggal)
),

final as (
    select * from dalam_rentang
    union all
    select * from sebelum
    order by kode_kecamatan, tanggal
)

select * from final
