-- The sign-offs, locks and unlocks of the portal's pages, latest first: of $kabupaten (null: every
-- kabupaten), at most $batas rows (persetujuan is never changed: this is its history).
--
-- key: urutan, kode_kabupaten
-- reads: persetujuan
with

tindakan as (
    select kode_kabupaten, sampai_tanggal, tindakan, atas, oleh, pada, alasan, run_id, urutan
    from persetujuan
),

final as (
    select *
    from tindakan
    where kode_kabupaten = coalesce($kabupaten::varchar, kode_kabupaten)
    order by urutan desc, kode_kabupaten
    limit $batas
)

select * from final
