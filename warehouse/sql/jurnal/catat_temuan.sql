-- Append the findings this run wrote to riwayat_temuan (a decision's findings never change later).
insert into riwayat_temuan
with

kualitas_data as (
    select file, sha256, kode_kabupaten, tanggal, kode_kecamatan, aturan, tingkat, pesan, baris, kolom, nilai, run_id
    from kualitas_data
),

final as (
    select * from kualitas_data where run_id = $run_id
)

select * from final
