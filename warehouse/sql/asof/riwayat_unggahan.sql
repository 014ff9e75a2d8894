-- riwayat_unggahan as it stood at time T ($waktu): the versions written by then.
--
-- key: file, sha256, berlaku_sejak
-- reads: riwayat_unggahan
with

versi as (
    select * from riwayat_unggahan
),

final as (
    select * from versi where berlaku_sejak <= $waktu
)

select * from final
