"""What the report tests' hand-built warehouses share."""

from __future__ import annotations

import duckdb


def keep_latest_reports(con: duckdb.DuckDBPyConnection) -> None:
    """Each kecamatan's latest report, as the load keeps it (warehouse/terakhir.py; not a CONTRACT §4
    relation): the report's queries read it so as not to search the whole history every night.
    Built here from `progres_kecamatan`, the one figures table these warehouses hold."""
    con.execute(
        "create table laporan_kecamatan_terakhir as select * from progres_kecamatan"
        " qualify row_number() over (partition by kode_kecamatan order by tanggal desc) = 1"
    )
