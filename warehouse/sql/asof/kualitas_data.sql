-- kualitas_data as it stood at time T: the findings of the decision each file's row named then
-- (its run_id; a file retired later keeps the findings of its last check).
--
-- reads: riwayat_temuan, unggahan
with

temuan as (
    select * from riwayat_temuan
),

berlaku as (
    select file, sha256, run_id from unggahan
),

final as (
    select temuan.*
    from temuan
    semi join berlaku using (file, sha256, run_id)
)

select * from final
