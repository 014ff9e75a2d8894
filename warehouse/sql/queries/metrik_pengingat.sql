-- Reminders and digests tried, by kind, channel and result: the metric ektp_pengingat_total.
--
-- reads: pengingat
with

pengingat as (
    select jenis, saluran, berhasil from pengingat
),

final as (
    select
        jenis,
        saluran,
        case when berhasil then 'terkirim' else 'gagal' end as hasil,
        count(*) as jumlah
    from pengingat
    group by all
    order by all
)

select * from final
