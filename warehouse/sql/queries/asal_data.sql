-- As of when the warehouse's data is, and which run produced it: the latest processed file.
--
-- reads: unggahan
with

unggahan as (
    select diproses_pada, run_id from unggahan
),

final as (
    select
        max(diproses_pada) as diproses_pada,
        arg_max(run_id, diproses_pada) as run_id
    from unggahan
)

select * from final
