-- laporan_kecamatan_pertama as it stood at time T: each kecamatan's first report from a file
-- loaded then (its riwayat_kecamatan row).
--
-- key: kode_kecamatan
-- reads: riwayat_kecamatan, unggahan
with

loaded as (
    select file, sha256 from unggahan where status = 'loaded'
),

angka as (
    select * from riwayat_kecamatan
),

final as (
    select angka.*
    from angka
    semi join loaded using (file, sha256)
    qualify row_number() over (partition by kode_kecamatan order by tanggal) = 1
)

select * from final
