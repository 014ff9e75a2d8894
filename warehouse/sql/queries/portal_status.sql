-- The portal's marks (CONTRACT §4 status_data): each kabupaten's figures per date from $dari to
-- $sampai, `sementara`, `disetujui` or `dikunci`; $kabupaten null: every kabupaten. A date without
-- a row of progres_kabupaten has no status (no figures yet).
--
-- key: kode_kabupaten, tanggal
-- reads: status_data
with

dalam_rentang as (
    select kode_kabupaten, tanggal, status
    from status_data
    where tanggal between $dari and $sampai
),

final as (
    select kode_kabupaten, tanggal, status
    from dalam_rentang
    where kode_kabupaten = coalesce($kabupaten::varchar, kode_kabupaten)
)

select * from final
order by kode_kabupaten, tanggal
