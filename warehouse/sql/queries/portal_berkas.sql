-- The district page: files of $kabupaten the runs decided, either those dated $tanggal or those
-- named in $berkas (a list of unggahan.file; null: not asked), newest decision first.
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
    where tanggal = $tanggal
       or list_contains(coalesce($berkas, []::varchar[]), file)
    order by diproses_pada desc, file
)

select * from final
