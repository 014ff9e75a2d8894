-- Every lock (`dikunci`) of the province, latest first: who locked which kabupaten up to which date
-- and when, for the receipt of a file refused as `periode_terkunci` (the latest lock reaching its date).
--
-- key: urutan
-- reads: persetujuan
with

tindakan as (
    select * from persetujuan
),

final as (
    select kode_kabupaten, sampai_tanggal, oleh, pada, urutan
    from tindakan
    where atas = 'kunci' and tindakan = 'dikunci'
)

select * from final
order by urutan desc
