-- Each kabupaten's carried-forward series from $dari to $tanggal: the input of its 7-day pace.
with

progres_kabupaten as (
    select tanggal, kode_kabupaten, sudah_rekam, belum_rekam
    from progres_kabupaten
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

final as (
    select *
    from progres_kabupaten
    where tanggal between $dari and $tanggal
    order by kode_kabupaten, tanggal
)

select * from final
