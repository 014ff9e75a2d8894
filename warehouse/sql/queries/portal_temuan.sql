-- One file version's findings of its latest decision, as its receipt lists them.
--
-- reads: kualitas_data
with

kualitas_data as (
    select file, sha256, kode_kabupaten, baris, kode_kecamatan, kolom, nilai, aturan, tingkat, pesan
    from kualitas_data
    where kode_kabupaten = $kabupaten
),

final as (
    select baris, kode_kecamatan, kolom, nilai, aturan, tingkat, pesan
    from kualitas_data
    where file = $berkas and sha256 = $sha256
    order by tingkat, baris nulls first, aturan, kolom
)

select * from final
