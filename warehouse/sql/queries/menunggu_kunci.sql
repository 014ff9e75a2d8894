-- The kabupaten and dates with a file refused as `periode_terkunci` (its latest decision): once the
-- date is opened again, the next run decides them with the other files of that date.
--
-- key: kode_kabupaten, tanggal
-- reads: kualitas_data
with

temuan as (
    select kode_kabupaten, tanggal, aturan from kualitas_data
),

final as (
    select distinct kode_kabupaten, tanggal
    from temuan
    where aturan = 'periode_terkunci' and kode_kabupaten is not null and tanggal is not null
)

select * from final
order by kode_kabupaten, tanggal
