-- Each kabupaten in scope with its data-quality scorecard for $tanggal, lowest 30-day score first.
-- When nobody sent any file since an earlier date (the mart ends there), that date's scorecard.
--
-- key: kode_kabupaten
-- reads: mutu_kabupaten
with

-- Read twice below: not materialized, or DuckDB would first copy out the whole history
-- (85 ms instead of 42 ms on three national years, the readers' 256 MB).
mutu as not materialized (
    select * from mutu_kabupaten
    where dalam_cakupan(kode_kabupaten, $provinsi)
),

hari as (
    select max(tanggal) as tanggal from mutu where tanggal <= $tanggal
),

final as (
    select mutu.*
    from mutu
    semi join hari using (tanggal)
    order by mutu.skor_30, mutu.skor_7, mutu.kode_kabupaten
)

select * from final
