-- Each kabupaten's carried-forward series from $dari to $tanggal, the input of its pace: its rows
-- in that range, and its latest row before $dari, which stands for $dari itself when the range has
-- none (after the last loaded report, as on a day nobody reported, the range may hold no row at all).
--
-- key: kode_kabupaten, tanggal
-- reads: laporan_kecamatan_terakhir, progres_kabupaten
with

progres_kabupaten as (
    select tanggal, kode_kabupaten, sudah_rekam, belum_rekam
    from progres_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

dalam_rentang as (
    select * from progres_kabupaten where tanggal between $dari and $tanggal
),

laporan_kecamatan_terakhir as (
    select tanggal from laporan_kecamatan_terakhir
),

-- Each kabupaten's latest row before $dari: its row of the day before $dari (hari_kabupaten).
sebelum as (
    select *
    from progres_kabupaten
    where tanggal = (select tanggal from hari_kabupaten(laporan_kecamatan_terakhir, $dari::date - 1))
),

final as (
    select * from dalam_rentang
    union all
    select * from sebelum
    order by kode_kabupaten, tanggal
)

select * from final
