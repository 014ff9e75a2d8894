-- For district desks and analysts: every rejected file with its reasons, newest first.
create view berkas_ditolak as
with

unggahan as (
    select * from unggahan where status = 'rejected'
),

final as (
    select kode_kabupaten, tanggal, file, alasan, diproses_pada
    from unggahan
)

select * from final
order by tanggal desc nulls last, kode_kabupaten, file;
