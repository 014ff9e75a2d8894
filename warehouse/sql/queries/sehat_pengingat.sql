-- The latest round of each kind of message (`pengingat`: the reminders, `ringkasan`: the
-- province's digest), for the health check: its date, and of its recipients how many the last
-- try reached and how many it did not (a failed try sent again later counts as its later try).
--
-- reads: pengingat
with

pengingat as (
    select jenis, tanggal, kode_kabupaten, saluran, tujuan, berhasil, dikirim_pada from pengingat
),

terakhir as (
    select jenis, max(tanggal) as tanggal from pengingat group by jenis
),

per_tujuan as (
    select
        p.jenis,
        p.tanggal,
        arg_max(p.berhasil, p.dikirim_pada) as berhasil,
        max(p.dikirim_pada) as dikirim_pada
    from pengingat as p
    inner join terakhir as t on p.jenis = t.jenis and p.tanggal = t.tanggal
    group by p.jenis, p.tanggal, p.kode_kabupaten, p.saluran, p.tujuan
),

final as (
    select
        jenis,
        tanggal,
        count(*) filter (where berhasil) as terkirim,
        count(*) filter (where not berhasil) as gagal,
        max(dikirim_pada) as terakhir_pada
    from per_tujuan
    group by jenis, tanggal
)

select * from final order by jenis
