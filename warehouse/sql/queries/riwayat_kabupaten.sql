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

-- progres_kabupaten runs every kabupaten daily from its first report to the latest date of any
-- report (the latest in laporan_kecamatan_terakhir): each one's latest row before $dari is the one
-- of the earlier of that date and the day before $dari, read as one day rather than found by a
-- window over the whole history.
sebelum as (
    select *
    from progres_kabupaten
    where tanggal = (select least($dari::date - 1, max(tanggal)) from laporan_kecamatan_terakhir)
),

final as (
    select * from dalam_rentang
    union all
    select * from sebelum
    order by kode_kabupaten, tanggal
)

select * from final
