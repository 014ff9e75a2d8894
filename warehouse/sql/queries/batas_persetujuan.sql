-- Per kabupaten, the last date its locks (`atas` 'kunci') and its sign-offs ('persetujuan') cover;
-- a kabupaten covered by neither has no row (helpers/batas_persetujuan.sql).
--
-- key: atas, kode_kabupaten
-- reads: persetujuan
with

tindakan as (
    select * from persetujuan
),

final as (
    select 'kunci' as atas, kode_kabupaten, batas from batas_persetujuan(tindakan, 'kunci')
    union all
    select 'persetujuan' as atas, kode_kabupaten, batas from batas_persetujuan(tindakan, 'persetujuan')
)

select * from final
order by atas, kode_kabupaten
