-- persetujuan as it stood at time T: the sign-offs, locks and unlocks made by then (append-only).
--
-- key: urutan
-- reads: persetujuan
with

tindakan as (
    select * from persetujuan
),

final as (
    select * from tindakan
    where pada <= $waktu
)

select * from final
