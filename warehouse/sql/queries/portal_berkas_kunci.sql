-- What the district page's search needs to know it has nothing to find: the dates and the names
-- of the files of $kabupaten the runs decided (portal.pages.decided keeps them per published
-- warehouse; portal_berkas then reads the rows only when a date or a name is among them).
--
-- key: file, tanggal
-- reads: unggahan
with

unggahan as (
    select file, tanggal from unggahan
    where kode_kabupaten = $kabupaten
),

final as (
    select distinct file, tanggal from unggahan
)

select * from final
