-- laporan_terakhir(laporan, batas): each kecamatan's latest report on or before a date. `laporan`
-- names a relation with kode_kecamatan and tanggal (by house style a CTE of the caller: the macro
-- reads no stored relation itself, so the as-of rewrite of the caller's SQL stays whole); `batas`
-- is a date, or an expression over the relation's own columns (a bound per row: `dari - 1`).
create or replace macro laporan_terakhir(laporan, batas) as table
select *
from query_table(laporan)
where tanggal <= batas
qualify row_number() over (partition by kode_kecamatan order by tanggal desc) = 1;
