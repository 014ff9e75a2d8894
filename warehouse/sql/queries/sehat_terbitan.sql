-- The publication analysts open now, for the health check: its number and when it was published
-- (a catalog holds its own row; a whole DuckDB warehouse, every row: the latest is the one).
--
-- reads: terbitan
with

terbitan as (
    select nomor, diterbitkan_pada from terbitan
),

final as (
    select nomor, diterbitkan_pada
    from terbitan
    order by nomor desc
    limit 1
)

select * from final
