-- Warnings found in the files of report date $tanggal, counted per rule.
with

kualitas_data as (
    select tanggal, aturan, tingkat from kualitas_data
    where $provinsi is null or left(kode_kabupaten, 2) = $provinsi
),

final as (
    select aturan, count(*) as jumlah
    from kualitas_data
    where tingkat = 'warning'
      and tanggal = $tanggal
    group by aturan
    order by jumlah desc, aturan
)

select * from final
