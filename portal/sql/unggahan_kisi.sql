-- The province grid: per district and report date from :dari to :sampai, how many files the
-- portal took that the check found valid (a cell the nightly has not decided yet: waiting).
select kode_kabupaten, tanggal, count(*) as sah
from unggahan
where tanggal between :dari and :sampai and berkas is not null and hasil = 'loaded'
group by kode_kabupaten, tanggal
