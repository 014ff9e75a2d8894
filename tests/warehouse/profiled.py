"""What DuckDB's profile says each table scan of a query read: the warehouse tests that guard a
scan's size (the latest-report helper, the marts' night) read it the same way."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb


@dataclass(frozen=True)
class Scan:
    operator: str  # SEQ_SCAN, ...
    table: str  # its name, without database and schema
    rows: int  # the rows it let through (after its filters; fewer when a join stopped it)
    scanned: int  # the rows it read


def scans(con: duckdb.DuckDBPyConnection, query: str, params: object, profile: Path) -> list[Scan]:
    """Run `query` once under DuckDB's JSON profiling (written to `profile`); every operator of its
    plan that reads a table."""
    con.execute("pragma enable_profiling = 'json'")
    con.execute("pragma profiling_output = ?", [str(profile)])
    try:
        con.execute(query, params).fetchall()
    finally:
        con.execute("pragma disable_profiling")
    found, todo = [], list(json.loads(profile.read_text())["operator"])
    while todo:
        node = todo.pop()
        todo.extend(node.get("children", ()))
        table = (node.get("extra_info") or {}).get("Table", "")
        if table:
            found.append(
                Scan(
                    node.get("name", ""),
                    table.split(".")[-1],
                    int(node.get("intermediate_rows", 0)),
                    int(node.get("rows_scanned", 0)),
                )
            )
    return found
