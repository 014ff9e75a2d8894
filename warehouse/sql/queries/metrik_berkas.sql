-- Files decided, by the status of their latest decision: the metric ektp_berkas.
--
-- reads: unggahan
with

unggahan as (
    select status from unggahan
),

final as (
    select status, count(*) as jumlah
    from unggahan
    group by status
    order by status
)

select * from final
