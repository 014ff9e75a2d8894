-- riwayat_kecamatan as it stood at time T: the figures of every file version valid then (loaded or
-- superseded), from riwayat_kecamatan or, for versions it dropped since, its archive; each row
-- carries the run that decided the version then, as the table did.
--
-- key: file, sha256, baris
-- reads: arsip_riwayat_kecamatan, riwayat_kecamatan, unggahan
with

-- Read twice below: not materialized, or DuckDB would first copy out every figure ever loaded
-- (8M rows on three national years), whatever T keeps of them.
angka as not materialized (
    select * exclude (diproses_pada, run_id) from riwayat_kecamatan
),

arsip as (
    select * exclude (diproses_pada, run_id) from arsip_riwayat_kecamatan
),

berlaku as (
    select file, sha256, diproses_pada, run_id from unggahan where status in ('loaded', 'superseded')
),

semua_angka as (
    select * from angka
    union all by name
    select arsip.* from arsip anti join angka using (file, sha256)
),

final as (
    select semua_angka.*, berlaku.diproses_pada, berlaku.run_id
    from semua_angka
    inner join berlaku using (file, sha256)
)

select * from final
