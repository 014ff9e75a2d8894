-- What the current database holds that a COMMENT ON can name (warehouse/komentar.py): its tables
-- and views ('relation'), their columns ('column', as relation.column), its scalar macros ('macro')
-- and table macros ('macro table'), the macros only when the one parameter is true (listing every
-- function DuckDB has is ~12 ms of this query's ~15). Not a model (warehouse/models.py): it reads
-- DuckDB's own catalog functions, no relation of the warehouse.
with

relasi as (
    select table_name as nama from duckdb_tables() where database_name = current_database()
    union all
    select view_name from duckdb_views() where database_name = current_database() and not internal
),

kolom as (
    select table_name || '.' || column_name as nama
    from duckdb_columns()
    where database_name = current_database() and not internal
),

makro as (
    select case function_type when 'macro' then 'macro' else 'macro table' end as jenis, function_name as nama
    from duckdb_functions()
    where ? and database_name = current_database() and function_type in ('macro', 'table_macro')
),

final as (
    select 'relation' as jenis, nama from relasi
    union all
    select 'column', nama from kolom
    union all
    select jenis, nama from makro
)

select distinct jenis, nama from final
