-- One row per kabupaten and date of progres_kabupaten: its figures are `dikunci` (locked by the
-- province), `disetujui` (signed off by the district) or `sementara`; locked wins over signed off
-- (CONTRACT §4). Which dates a district's sign-offs and locks cover: helpers/batas_persetujuan.sql.
--
-- Brought up to date for the kabupaten and dates in perubahan_mart: the rows dated on or after dari.
-- A sign-off, lock or unlock names its kabupaten from the first day (warehouse/persetujuan.py).
--
-- key: kode_kabupaten, tanggal
-- reads: persetujuan, progres_kabupaten
-- refresh: by_kabupaten_tanggal
-- partition: tanggal, kode_kabupaten
-- comment: Status angka per kabupaten dan tanggal progres_kabupaten: dikunci (oleh provinsi),
--   disetujui (oleh kabupaten) atau sementara; dikunci mengalahkan disetujui.
-- column kode_kabupaten: Kode kabupaten/kota (4 digit).
-- column tanggal: Tanggal (DATE), seperti progres_kabupaten.
-- column status: dikunci, disetujui atau sementara (dari persetujuan).
with

perubahan as (
    select kode_kabupaten, dari from perubahan_mart
),

tindakan as (
    select * from persetujuan
),

kabupaten_harian as (
    select kode_kabupaten, tanggal from progres_kabupaten
),

hari as (
    select kabupaten_harian.kode_kabupaten, kabupaten_harian.tanggal
    from kabupaten_harian
    inner join perubahan using (kode_kabupaten)
    where kabupaten_harian.tanggal >= perubahan.dari
),

kunci as (
    select kode_kabupaten, batas as batas_kunci from batas_persetujuan(tindakan, 'kunci')
),

setuju as (
    select kode_kabupaten, batas as batas_setuju from batas_persetujuan(tindakan, 'persetujuan')
),

final as (
    select
        hari.kode_kabupaten,
        hari.tanggal,
        case
            when hari.tanggal <= kunci.batas_kunci then 'dikunci'
            when hari.tanggal <= setuju.batas_setuju then 'disetujui'
            else 'sementara'
        end as status
    from hari
    left join kunci using (kode_kabupaten)
    left join setuju using (kode_kabupaten)
)

select * from final
order by tanggal, kode_kabupaten
