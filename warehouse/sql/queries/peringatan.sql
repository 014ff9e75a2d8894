-- Warnings found in the files of report date $tanggal, counted per rule.
--
-- key: aturan
-- reads: kualitas_data
with

kualitas_data as (
    select tanggal, aturan, tingkat from kualitas_data
    where dalam_cakupan(kode_kabupaten, $provinsi)
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
