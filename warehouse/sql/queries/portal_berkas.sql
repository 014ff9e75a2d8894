-- The district page: every file of $kabupaten the runs decided, newest decision first. Read once
-- per published warehouse and district (portal.pages.decided keeps it: it changes only with a
-- publication), then searched by date or name for each upload and page.
--
-- key: file, sha256
-- reads: unggahan
with

unggahan as (
    select file, sha256, kode_kabupaten, tanggal, status, alasan, baris, diproses_pada, run_id
    from unggahan
    where kode_kabupaten = $kabupaten
),

final as (
    select file, sha256, tanggal, status, alasan, baris, diproses_pada, run_id
    from unggahan
    order by diproses_pada desc, file
)

select * from final
