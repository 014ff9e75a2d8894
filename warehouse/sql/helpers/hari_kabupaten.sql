-- hari_kabupaten(terakhir, batas): the one day whose progres_kabupaten rows carry every kabupaten's
-- figures on `batas` (one row, `tanggal`). progres_kabupaten runs every kabupaten daily from its
-- first report to the latest report of any kabupaten, the latest in laporan_kecamatan_terakhir
-- (`terakhir`, a CTE of the caller; see laporan_terakhir): each kabupaten's latest row on or before
-- `batas` is its row of the earlier of the two dates, read as one day rather than found by a
-- window over the whole history.
create or replace macro hari_kabupaten(terakhir, batas) as table
select least(batas, max(tanggal)) as tanggal
from query_table(terakhir);
