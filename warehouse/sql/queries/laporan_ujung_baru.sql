-- laporan_kecamatan_terakhir and laporan_kecamatan_pertama after a load, in one read of the
-- ledger and the history, each row tagged with its table (`pertama`): each kecamatan's latest and
-- first current reports, from the tables as they stood before the load, the rows the load wrote
-- ($run_id) and, only for a kecamatan whose report there stopped being current (its file
-- re-decided, superseded or retired), its history. Before the load each table held each
-- kecamatan's latest (first) current report; a report that became current since is one the load
-- wrote, so the newest (oldest) of these is the latest (first) one now.
--
-- Only the districts and dates the load decided are looked up in the ledger: a file changes status
-- only when its district and date are re-decided (a retired file's date is one of them), and every
-- file decided carries the run's id. Reading the status of every file ever loaded cost more than
-- the rest together (563,000 rows after three national years).
--
-- key: pertama, kode_kecamatan
-- reads: laporan_kecamatan_terakhir, laporan_kecamatan_pertama, riwayat_kecamatan, unggahan
with

-- Not materialized: each use reads only the rows it filters for.
diputuskan as not materialized (
    select file, sha256, kode_kabupaten, tanggal, status, run_id from unggahan
),

kelompok as (
    select distinct kode_kabupaten, tanggal from diputuskan where run_id = $run_id
),

loaded_kelompok as (
    select diputuskan.file, diputuskan.sha256
    from diputuskan
    semi join kelompok using (kode_kabupaten, tanggal)
    where diputuskan.status = 'loaded'
),

sebelumnya as (
    select false as pertama, * from laporan_kecamatan_terakhir
    union all by name
    select true as pertama, * from laporan_kecamatan_pertama
),

-- Outside the districts and dates decided: still current.
di_luar as (
    select sebelumnya.* from sebelumnya anti join kelompok using (kode_kabupaten, tanggal)
),

di_dalam as (
    select sebelumnya.* from sebelumnya semi join kelompok using (kode_kabupaten, tanggal)
),

masih_berlaku as (
    select di_dalam.* from di_dalam semi join loaded_kelompok using (file, sha256)
),

gugur as (
    select pertama, kode_kecamatan from di_dalam anti join loaded_kelompok using (file, sha256)
),

-- Read twice below: not materialized, or DuckDB would first write out the whole history.
riwayat as not materialized (
    select * from riwayat_kecamatan
),

-- The rows the load wrote, of its loaded files.
ditulis_semua as (
    select riwayat.*
    from riwayat
    semi join loaded_kelompok using (file, sha256)
    where riwayat.run_id = $run_id
),

-- Each kecamatan's newest and oldest of them, a candidate for each table: by aggregate, not in
-- the window below, which over a backfill's every row twice cost 0.60 s of 45 national days (0.12).
ditulis as (
    select false as pertama, unnest(arg_max(ditulis_semua, tanggal))
    from ditulis_semua
    group by kode_kecamatan
    union all
    select true as pertama, unnest(arg_min(ditulis_semua, tanggal))
    from ditulis_semua
    group by kode_kecamatan
),

-- Empty on most nights: then DuckDB's join finishes without reading the history.
dibaca_ulang as (
    select gugur.pertama, riwayat.*
    from riwayat
    inner join gugur using (kode_kecamatan)
    semi join (select file, sha256 from diputuskan where status = 'loaded') as loaded using (file, sha256)
),

calon as (
    select * from di_luar
    union all
    select * from masih_berlaku
    union all
    select * from ditulis
    union all
    select * from dibaca_ulang
),

-- The first report: the earliest date; the latest: the earliest is null for every row, then the newest.
final as (
    select * from calon
    qualify row_number() over (
        partition by pertama, kode_kecamatan order by case when pertama then tanggal end, tanggal desc
    ) = 1
)

select * from final
