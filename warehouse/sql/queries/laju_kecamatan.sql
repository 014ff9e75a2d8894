-- Each kecamatan's reports from $dari to $tanggal and its latest report before $dari (which stands
-- for $dari when the range has none): the carried-forward input of its 7-day pace, for the
-- mobile-service ranking.
with

progres_kecamatan as (
    select tanggal, kode_kecamatan, sudah_rekam, belum_rekam
    from progres_kecamatan
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

dalam_rentang as (
    select * from progres_kecamatan where tanggal between $dari and $tanggal
),

sebelum as (
    select *
    from progres_kecamatan
    where tanggal < $dari
    qualify row_number() over (partition by kode_kecamatan order by tanggal desc) = 1
),

final as (
    select * from dalam_rentang
    union all
    select * from sebelum
    order by kode_kecamatan, tanggal
)

select * from final
