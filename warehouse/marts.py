"""The analysts' relations, one SQL file each under warehouse/sql/marts/, built in the order
their own SQL gives: a mart that reads another is built after it (as dbt orders by `ref()`)."""

from __future__ import annotations

import re
from graphlib import TopologicalSorter

import duckdb

from warehouse.read import SQL, sql

_READS = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)", re.IGNORECASE)


def names() -> list[str]:
    return sorted(p.stem for p in (SQL / "marts").glob("*.sql"))


def reads(mart: str) -> set[str]:
    """The other marts that `mart`'s SQL reads."""
    found = {m.lower() for m in _READS.findall(sql(f"marts/{mart}"))}
    return (found & set(names())) - {mart}


def order() -> list[str]:
    """Every mart after the marts it reads."""
    return list(TopologicalSorter({m: reads(m) for m in names()}).static_order())


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild every mart from the loaded figures, then store the analysts' macros over them
    (warehouse/sql/macros/; the caller holds the transaction)."""
    for mart in order():
        con.execute(f"create or replace table {mart} as {sql('marts/' + mart)}")  # mart: a file name of ours
    for macro in sorted(p.stem for p in (SQL / "macros").glob("*.sql")):
        con.execute(sql(f"macros/{macro}"))
