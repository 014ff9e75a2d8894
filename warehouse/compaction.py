"""The writer's working file kept compact: rewritten without its free blocks when a run's churn
left enough of them (warehouse/store.py calls it at the end of a write session)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from contract import files
from warehouse.katalog import STORAGE_VERSION

log = logging.getLogger(__name__)

# Rewrite the working file when this share of its blocks is free, and at least this many bytes.
# DuckDB reuses freed blocks but keeps a file's length. A night rewrites the blocks it changed (the
# re-decided rows, the marts' recent dates) and frees the old ones, which the next night reuses:
# that churn stays in the file, which levels off at the live data plus about one night's churn
# (40 NTB nights without compaction: 23 to 30 blocks, 6 to 12 of them free, 25-43 %; national
# nights: 4 to 52 free blocks, at most 13 MiB: up to 41 % of a 30-day file, 1-6 % of a year's).
# Rewriting it is undone by the next night, and the share alone rewrote small files on most nights
# (NTB's every night, a 30-day national one on 2 nights of 4). The floor (about 2.5x the largest
# night measured) keeps the rewrite, which costs the whole file, for real churn: a backfill over
# months, `rebuild-marts`, a migration (docs/gudang-data.md).
COMPACT_FREE_SHARE = 0.1
COMPACT_MIN_FREE_BYTES = 32 * 2**20


def compact_if_loose(con: duckdb.DuckDBPyConnection, work: Path) -> None:
    """Copy the working file into a new one without its free blocks, then swap it in (a run killed
    during the copy leaves the old file whole and a `.baru` removed by the next run)."""
    con.execute("checkpoint")
    ((total, free, block_size),) = con.execute(
        "select total_blocks, free_blocks, block_size from pragma_database_size()"
        " where database_name = 'gudang'"
    ).fetchall()
    if free <= COMPACT_FREE_SHARE * total or free * block_size < COMPACT_MIN_FREE_BYTES:
        return
    new = work.with_name(work.name + ".baru")
    remove(new)
    log.info("Memadatkan berkas kerja gudang data (%d dari %d blok kosong) ...", free, total)
    con.execute("attach ? as baru (storage_version ?)", [str(new), STORAGE_VERSION])
    con.execute("copy from database gudang to baru")
    con.execute("detach baru")
    con.execute("use memory")
    con.execute("detach gudang")
    files.replace(new, work)


def remove(work: Path) -> None:
    """A DuckDB file and its write-ahead log, if there."""
    for leftover in (work, work.with_name(work.name + ".wal")):
        leftover.unlink(missing_ok=True)
