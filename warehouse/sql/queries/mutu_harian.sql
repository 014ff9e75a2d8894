-- The scorecard's daily series of each kabupaten in scope from $dari to $tanggal, for the workbook.
with

mutu as (
    select * from mutu_kabupaten
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

final as (
    select *
    from mutu
    where tanggal between $dari and $tanggal
    order by kode_kabupaten, tanggal
)

select * from final
