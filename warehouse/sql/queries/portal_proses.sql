-- What one run decided, for the admin's nightly button: its files by status.
--
-- reads: unggahan
with

unggahan as (
    select status from unggahan where run_id = $run_id
),

final as (
    select status, count(*) as berkas
    from unggahan
    group by status
)

select * from final
