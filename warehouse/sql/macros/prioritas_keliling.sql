-- prioritas_keliling(tanggal_laporan, tanggal_target): every kecamatan ranked by the residents who
-- would still be unrecorded at the end of the target date at its 7-day pace,
-- max(0, belum_rekam - pace x days left), a pace that is unknown, zero or negative counting as zero.
-- A kecamatan with no report in the 7 days before the date has stopped reporting: flagged, its pace
-- unknown; one that never reported comes last, without figures. The same definitions as the
-- report's "Prioritas pelayanan keliling" (reports/data.py, reports/forecast.py); a test holds them equal.
create or replace macro prioritas_keliling(tanggal_laporan, tanggal_target) as table
with

laporan as (
    select tanggal, kode_kecamatan, sudah_rekam, belum_rekam
    from progres_kecamatan
    where tanggal <= tanggal_laporan::date
),

kecamatan as (
    select kode_kecamatan, kode_kabupaten, nama from wilayah_kecamatan
),

kabupaten as (
    select kode_kabupaten, nama from wilayah_kabupaten
),

-- One pass over the reports (a national year holds millions): each kecamatan's latest report, its
-- latest on or before D-7 and its first after D-7.
titik as (
    select
        kode_kecamatan,
        max(tanggal) as terakhir_lapor,
        arg_max(sudah_rekam, tanggal) as sudah_rekam,
        arg_max(belum_rekam, tanggal) as belum_rekam,
        max(tanggal) filter (where tanggal <= tanggal_laporan::date - 7) as tanggal_d7,
        arg_max(sudah_rekam, tanggal) filter (where tanggal <= tanggal_laporan::date - 7) as sudah_d7,
        min(tanggal) filter (where tanggal > tanggal_laporan::date - 7) as tanggal_pertama,
        arg_min(sudah_rekam, tanggal) filter (where tanggal > tanggal_laporan::date - 7) as sudah_pertama
    from laporan
    group by kode_kecamatan
),

-- The 7-day pace starts from the value carried to D-7, or from the first report when it came later.
laju as (
    select
        kode_kecamatan,
        terakhir_lapor,
        belum_rekam,
        terakhir_lapor <= tanggal_laporan::date - 7 as berhenti_lapor,
        sudah_rekam - coalesce(sudah_d7, sudah_pertama) as direkam,
        case when tanggal_d7 is not null then 7 else (tanggal_laporan::date - tanggal_pertama)::integer end as hari
    from titik
),

hitung as (
    select
        laju.*,
        (tanggal_target::date - tanggal_laporan::date)::integer as sisa_hari,
        not laju.berhenti_lapor and laju.hari > 0 as ada_laju
    from laju
),

sisa as (
    select
        hitung.*,
        case when hitung.belum_rekam <= 0 then 0
             when not hitung.ada_laju or hitung.direkam <= 0 or hitung.sisa_hari <= 0 then hitung.belum_rekam
             else greatest(0, hitung.belum_rekam - (hitung.direkam * hitung.sisa_hari) // hitung.hari)
        end as sisa_pada_target
    from hitung
),

final as (
    select
        row_number() over (
            order by sisa.sisa_pada_target desc nulls last, sisa.belum_rekam desc nulls last, kecamatan.kode_kecamatan
        ) as peringkat,
        kecamatan.kode_kecamatan,
        kecamatan.nama as nama_kecamatan,
        kecamatan.kode_kabupaten,
        kabupaten.nama as nama_kabupaten,
        sisa.belum_rekam,
        case when sisa.ada_laju then sisa.direkam / sisa.hari end as laju_7_hari,
        case when sisa.belum_rekam > 0 and sisa.sisa_hari > 0
            then (sisa.belum_rekam + sisa.sisa_hari - 1) // sisa.sisa_hari end as dibutuhkan,
        sisa.sisa_pada_target,
        sisa.terakhir_lapor,
        coalesce(sisa.berhenti_lapor, false) as berhenti_lapor
    from kecamatan
    -- A kecamatan that never reported has no row in `sisa`: its figures stay null and it comes last.
    left join sisa using (kode_kecamatan)
    left join kabupaten using (kode_kabupaten)
)

select * from final
order by peringkat;
