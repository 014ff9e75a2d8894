-- riwayat_unggahan as it stood at time T ($waktu): the versions written by then.
with

versi as (
    select * from riwayat_unggahan
),

final as (
    select * from versi where berlaku_sejak <= $waktu
)

select * from final
