-- The first and latest dates the marts' spines run between (as the mart SQL computes them): the
-- first and latest dates of a loaded report, and the latest date of a file with a valid date
-- (mutu_kabupaten's spine reaches it). A run that moves one of them touches every kabupaten. The
-- marts' SQL reads them as the one-row relation `rentang_mart` (warehouse.marts.keep_bounds).
--
-- reads: kualitas_data, unggahan
with

-- Read three times below: not materialized, or DuckDB would first copy out every file's row
-- (57 ms a run on three national years, 41 without the copy).
berkas as not materialized (
    select file, sha256, tanggal, status
    from unggahan
    where tanggal is not null and kode_kabupaten is not null and status <> 'duplicate'
),

tanggal_salah as (
    select file, sha256 from kualitas_data where aturan = 'tanggal_tidak_valid'
),

berkas_bertanggal as (
    select tanggal from berkas anti join tanggal_salah using (file, sha256)
),

final as (
    select
        (select min(tanggal) from berkas where status = 'loaded') as pertama_laporan,
        (select max(tanggal) from berkas where status = 'loaded') as terakhir_laporan,
        (select max(tanggal) from berkas_bertanggal) as terakhir_berkas
)

select * from final
