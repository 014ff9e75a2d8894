-- Each kabupaten's carried-forward series from $dari to $tanggal, the input of its pace: its rows
-- in that range, and its latest row before $dari, which stands for $dari itself when the range has
-- none (after the last loaded report, as on a day nobody reported, the range may hold no row at all).
--
-- key: kode_kabupaten, tanggal
-- reads: progres_kabupaten
with

progres_kabupaten as (
    select tanggal, kode_kabupaten, sudah_rekam, belum_rekam
    from progres_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

dalam_rentang as (
    select * from progres_kabupaten where tanggal between $dari and $tanggal
),

sebelum as (
    select *
    from progres_kabupaten
    where tanggal < $dari
    qualify row_number() over (partition by kode_kabupaten order by tanggal desc) = 1
),

final as (
    select * from dalam_rentang
    union all
    select * from sebelum
    order by kode_kabupaten, tanggal
)

select * from final
