-- The scorecard's daily series of each kabupaten in scope from $dari to $tanggal, for the workbook.
--
-- key: kode_kabupaten, tanggal
-- reads: mutu_kabupaten
with

mutu as (
    select * from mutu_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

final as (
    select *
    from mutu
    where tanggal between $dari and $tanggal
    order by kode_kabupaten, tanggal
)

select * from final
