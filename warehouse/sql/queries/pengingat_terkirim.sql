-- What was already sent for a date, of one kind ('pengingat' or 'ringkasan'): a rerun sends only
-- what is not here (a failed try is not here, so it is tried again).
--
-- reads: pengingat
with

pengingat as (
    select kode_kabupaten, saluran, tujuan, kecamatan
    from pengingat
    where tanggal = $tanggal and jenis = $jenis and berhasil
),

final as (
    select distinct kode_kabupaten, saluran, tujuan, kecamatan
    from pengingat
)

select * from final
