-- tanggal_lapor_terakhir(terakhir, laporan, batas): each kecamatan's latest report date on or before
-- `batas` (kode_kecamatan, kode_kabupaten, tanggal), without reading the history when it need not.
-- `terakhir` names each kecamatan's latest report (laporan_kecamatan_terakhir), `laporan` every
-- report (progres_kecamatan), both with kode_kecamatan, kode_kabupaten and tanggal, and both CTEs of
-- the caller (see laporan_terakhir). A kecamatan whose latest report lies on or before `batas` has
-- that one. The reports are read only when some kecamatan's latest lies after `batas` (a report for
-- an earlier date): they are cross-joined with one row then and none otherwise, and DuckDB skips a
-- join with an empty side. The report of the latest date (every night's) then reads one row per
-- kecamatan, not every report ever loaded (kecamatan_terbanyak: 59 -> 21 ms on three national
-- years). Where both hold a kecamatan, the history's latest on or before `batas` is its latest
-- report itself: max() keeps one.
-- Grouped by kecamatan alone (a loaded file holds no kecamatan of another kabupaten: the rule
-- kecamatan_kabupaten_lain), any_value its kabupaten: two keys or arg_max cost a report for an
-- earlier date 1.3x.
create or replace macro tanggal_lapor_terakhir(terakhir, laporan, batas) as table
select kode_kecamatan, any_value(kode_kabupaten) as kode_kabupaten, max(tanggal) as tanggal
from (
    select kode_kecamatan, kode_kabupaten, tanggal
    from query_table(terakhir)
    where tanggal <= batas
    union all
    select riwayat.kode_kecamatan, riwayat.kode_kabupaten, riwayat.tanggal
    from query_table(laporan) as riwayat
    cross join (select true as perlu_riwayat from query_table(terakhir) where tanggal > batas limit 1)
    where riwayat.tanggal <= batas
)
group by kode_kecamatan;
