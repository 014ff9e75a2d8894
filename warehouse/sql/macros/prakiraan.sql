-- prakiraan(tanggal_laporan, tanggal_target): the report's forecast and its range, for analysts.
-- One row per province and per kabupaten with a loaded report on or before the date: the 7-day pace,
-- completion date, pace needed, what would remain at the target, the 28-day pace band, the
-- completion range and the chance of finishing by the target. The same definitions as
-- reports/forecast.py (docs/definitions.md), in integers where the report is exact:
-- a test holds the two equal. Carried forward past the last loaded report, as the report is.
-- A province is done when its last kabupaten is done: its completion dates, what would remain at the
-- target and its chance come from its kabupaten (`province_forecast`); its pace is its own.
create or replace macro prakiraan(tanggal_laporan, tanggal_target) as table
with

deret as (
    select 'provinsi' as tingkat, kode_provinsi as kode, tanggal, sudah_rekam, belum_rekam
    from progres_provinsi
    union all
    select 'kabupaten' as tingkat, kode_kabupaten as kode, tanggal, sudah_rekam, belum_rekam
    from progres_kabupaten
),

nama as (
    select 'kabupaten' as tingkat, kode_kabupaten as kode, nama from wilayah_kabupaten
),

pertama as (
    select tingkat, kode, min(tanggal) as pertama
    from deret
    group by tingkat, kode
),

awal as (
    select * from pertama where pertama <= tanggal_laporan::date
),

-- The rows the definitions can read: D-28 to D, and the last one before D-28 that stands for it
-- (carried forward; a national year would otherwise be joined whole, day by day).
dekat as (
    select tingkat, kode, tanggal, sudah_rekam, belum_rekam
    from deret
    where tanggal between tanggal_laporan::date - 28 and tanggal_laporan::date
),

sebelum as (
    select
        tingkat,
        kode,
        max(tanggal) as tanggal,
        arg_max(sudah_rekam, tanggal) as sudah_rekam,
        arg_max(belum_rekam, tanggal) as belum_rekam
    from deret
    where tanggal < tanggal_laporan::date - 28
    group by tingkat, kode
),

terbaca as (
    select * from dekat
    union all
    select * from sebelum
),

-- The carried-forward value of every day from D-28 to D (null before the first report).
grid as (
    select tingkat, kode, pertama, unnest(generate_series(tanggal_laporan::date - 28, tanggal_laporan::date, interval 1 day))::date as hari
    from awal
),

nilai as (
    select grid.tingkat, grid.kode, grid.pertama, grid.hari, terbaca.sudah_rekam, terbaca.belum_rekam
    from grid
    asof left join terbaca
        on grid.tingkat = terbaca.tingkat and grid.kode = terbaca.kode and grid.hari >= terbaca.tanggal
),

-- The 7-day pace at D: from D-7, or from the first report when the series starts after D-7.
laju as (
    select
        akhir.tingkat,
        akhir.kode,
        akhir.pertama,
        akhir.belum_rekam as belum_rekam,
        akhir.sudah_rekam - mulai.sudah_rekam as direkam,
        (tanggal_laporan::date - mulai.hari)::integer as hari
    from nilai as akhir
    inner join nilai as mulai
        on akhir.tingkat = mulai.tingkat and akhir.kode = mulai.kode
        and mulai.hari = greatest(tanggal_laporan::date - 7, akhir.pertama)
    where akhir.hari = tanggal_laporan::date
),

-- The 22 windows of 7 days ending D-21 .. D; whole only when the series reaches back to D-28.
naik_7_hari as (
    select
        akhir.tingkat,
        akhir.kode,
        akhir.hari,
        akhir.sudah_rekam - mulai.sudah_rekam as naik,
        hari_ini.belum_rekam
    from nilai as akhir
    inner join nilai as mulai
        on akhir.tingkat = mulai.tingkat and akhir.kode = mulai.kode and mulai.hari = akhir.hari - 7
    inner join laju as hari_ini
        on akhir.tingkat = hari_ini.tingkat and akhir.kode = hari_ini.kode
    where akhir.hari >= tanggal_laporan::date - 21 and akhir.pertama <= tanggal_laporan::date - 28
),

jendela as (
    select
        tingkat,
        kode,
        list_sort(list(naik)) as naik,
        -- fast enough: recording at this window's pace from D+1 clears the rest by the target
        count(*) filter (where naik * (tanggal_target::date - tanggal_laporan::date) >= 7 * belum_rekam) as cukup
    from naik_7_hari
    group by tingkat, kode
),

-- Band ends as numerators over 70: p10 = (9 r[2] + r[3]) / 70 and p90 = (r[18] + 9 r[19]) / 70
-- (0-based, the sorted rises; lists here are 1-based), widened to take in the current pace.
pita as (
    select
        jendela.tingkat,
        jendela.kode,
        jendela.cukup,
        least(9 * jendela.naik[3] + jendela.naik[4], 10 * laju.direkam) as lambat_70,
        greatest(jendela.naik[19] + 9 * jendela.naik[20], 10 * laju.direkam) as cepat_70
    from jendela
    inner join laju using (tingkat, kode)
    where laju.belum_rekam > 0 and laju.hari = 7
),

hitung as (
    select
        laju.*,
        (tanggal_target::date - tanggal_laporan::date)::integer as sisa_hari,
        pita.lambat_70,
        pita.cepat_70,
        pita.cukup,
        -- ceil(a / b) for positive integers: (a + b - 1) // b
        case when laju.belum_rekam > 0 and laju.hari > 0 and laju.direkam > 0
            then (laju.belum_rekam * laju.hari + laju.direkam - 1) // laju.direkam end as hari_selesai,
        case when pita.cepat_70 > 0 then (laju.belum_rekam * 70 + pita.cepat_70 - 1) // pita.cepat_70 end as hari_cepat,
        case when pita.lambat_70 > 0 then (laju.belum_rekam * 70 + pita.lambat_70 - 1) // pita.lambat_70 end as hari_lambat
    from laju
    left join pita using (tingkat, kode)
),

sendiri as (
    select
        hitung.tingkat,
        hitung.kode,
        nama.nama,
        hitung.belum_rekam,
        case when hitung.hari > 0 then hitung.direkam / hitung.hari end as laju_7_hari,
        case when hitung.hari_selesai <= 3650 then tanggal_laporan::date + hitung.hari_selesai::integer end as perkiraan_selesai,
        case when hitung.belum_rekam > 0 and hitung.sisa_hari > 0
            then (hitung.belum_rekam + hitung.sisa_hari - 1) // hitung.sisa_hari end as dibutuhkan,
        case when hitung.belum_rekam > 0 and hitung.hari > 0 and hitung.direkam > 0 and hitung.sisa_hari > 0
            then greatest(0, hitung.belum_rekam - (hitung.direkam * hitung.sisa_hari) // hitung.hari) end as sisa_pada_target,
        hitung.lambat_70 / 70 as laju_p10,
        hitung.cepat_70 / 70 as laju_p90,
        case when hitung.hari_cepat <= 3650 then tanggal_laporan::date + hitung.hari_cepat::integer end as selesai_paling_cepat,
        case when hitung.hari_lambat <= 3650 then tanggal_laporan::date + hitung.hari_lambat::integer end as selesai_paling_lambat,
        case when hitung.sisa_hari > 0 then hitung.cukup end as laju_cukup,
        case when hitung.cepat_70 is not null then 22 end as laju_dinilai,
        case when hitung.sisa_hari > 0 then 100 * hitung.cukup / 22 end as peluang_persen
    from hitung
    left join nama using (tingkat, kode)
),

-- The kabupaten not done yet, by province (the first two digits of a kabupaten code).
terbuka as (
    select left(kode, 2) as kode_provinsi, *
    from hitung
    where tingkat = 'kabupaten' and belum_rekam > 0
),

kabupaten_terakhir as (
    select
        terbuka.kode_provinsi as kode,
        count(*) as terbuka,
        count(sendiri.perkiraan_selesai) as ada_selesai,
        max(sendiri.perkiraan_selesai) as selesai,
        count(sendiri.selesai_paling_cepat) as ada_cepat,
        max(sendiri.selesai_paling_cepat) as cepat,
        count(sendiri.selesai_paling_lambat) as ada_lambat,
        max(sendiri.selesai_paling_lambat) as lambat,
        count(sendiri.laju_dinilai) as ada_pita,
        -- what each would leave at the target at its own pace; none known, zero or negative: all of it
        sum(greatest(0, terbuka.belum_rekam - case when terbuka.direkam > 0 and terbuka.hari > 0
            then (terbuka.direkam * terbuka.sisa_hari) // terbuka.hari else 0 end)) as sisa
    from terbuka
    inner join sendiri on sendiri.tingkat = 'kabupaten' and sendiri.kode = terbuka.kode
    group by terbuka.kode_provinsi
),

-- The windows in which every kabupaten not done went fast enough (the same E for all of them).
serentak as (
    select kode, count(*) filter (where semua) as cukup
    from (
        select
            terbuka.kode_provinsi as kode,
            naik_7_hari.hari,
            bool_and(naik_7_hari.naik * terbuka.sisa_hari >= 7 * terbuka.belum_rekam) as semua
        from terbuka
        inner join naik_7_hari on naik_7_hari.tingkat = 'kabupaten' and naik_7_hari.kode = terbuka.kode
        group by terbuka.kode_provinsi, naik_7_hari.hari
    )
    group by kode
),

provinsi as (
    select
        sendiri.*,
        kabupaten_terakhir.* exclude (kode),
        coalesce(serentak.cukup, 0) as serentak_cukup,
        sendiri.laju_dinilai is not null and kabupaten_terakhir.ada_pita = kabupaten_terakhir.terbuka as ada_rentang
    from sendiri
    left join kabupaten_terakhir using (kode)
    left join serentak using (kode)
    where sendiri.tingkat = 'provinsi'
),

final as (
    select * from sendiri where tingkat = 'kabupaten'
    union all by name
    select
        tingkat,
        kode,
        nama,
        belum_rekam,
        laju_7_hari,
        case when ada_selesai = terbuka then selesai end as perkiraan_selesai,
        dibutuhkan,
        -- dibutuhkan is known exactly when there is a rest and the target is after D
        case when dibutuhkan is not null then sisa end as sisa_pada_target,
        case when ada_rentang then laju_p10 end as laju_p10,
        case when ada_rentang then laju_p90 end as laju_p90,
        case when ada_rentang and ada_cepat = terbuka then cepat end as selesai_paling_cepat,
        case when ada_rentang and ada_lambat = terbuka then lambat end as selesai_paling_lambat,
        case when ada_rentang and laju_cukup is not null then serentak_cukup end as laju_cukup,
        case when ada_rentang then laju_dinilai end as laju_dinilai,
        case when ada_rentang and laju_cukup is not null then 100 * serentak_cukup / 22 end as peluang_persen
    from provinsi
)

select * from final
order by tingkat desc, belum_rekam desc nulls last, kode;
