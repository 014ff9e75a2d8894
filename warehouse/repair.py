"""Before each run, the writer checks what analysts read, and rebuilds what is damaged.

What analysts read is the catalog at the warehouse path and the Parquet files its views name
(warehouse/publish.py). The writer's working file holds everything they were made from. So a
catalog gone, truncated or not DuckDB at all, a Parquet file deleted or truncated, or a catalog
that names another warehouse's files (a copy, a move) is published again from the working file,
and the run says so in one line of its summary. Only headers and footers are read, never the data:
the check costs a stat and a few bytes per file.

Without a working file, a damaged publication cannot be rebuilt: the run stops before changing
anything and says what is lost and how to put a backup (`ektp cadangan`) back.
"""

from __future__ import annotations

import logging
import shlex
from pathlib import Path

import duckdb

from contract.errors import WarehouseError
from warehouse import db, partitions, publish
from warehouse.publish import Found

log = logging.getLogger(__name__)
MAX_NAMED = 5  # damaged files named in the one line; the rest are counted


def lost(warehouse: Path, found: Found) -> WarehouseError | None:
    """With no working file: the error saying what is lost when the catalog or a file it names is
    damaged (None when the publication is whole, and the working file can be read back from it)."""
    if found.kind == "rusak":
        what = (
            f"katalog {warehouse} rusak ({found.problem}): daftar berkas yang diterbitkan, wilayah, cakupan "
            "dan catatan proses tidak terbaca"
        )
    elif found.kind == "katalog" and (bad := _flawed(found.files)):
        what = f"{_listed(bad)}: data itu tidak ada lagi di gudang data"
    else:
        return None
    work = publish.folder_of(warehouse) / "kerja.duckdb"
    new = shlex.quote(f"{warehouse}.baru")
    return WarehouseError(
        f"gudang data tidak dapat dipulihkan: berkas kerja {work} tidak ada, dan {what}; "
        "tidak ada yang diubah. "
        f"Pulihkan dari cadangan `ektp cadangan` (saat tidak ada proses berjalan): "
        f"cp CADANGAN {new} && mv {new} {shlex.quote(str(warehouse))}, lalu jalankan lagi"
    )


def repair(con: duckdb.DuckDBPyConnection, warehouse: Path, found: Found, origin: str) -> str:
    """Publish again what the check finds damaged, from the working file (`con`, attached as
    `gudang`); returns the one line that says what was repaired ('' when nothing was).

    `found` is what the warehouse path held before the working file was opened; `origin` where
    the working file came from (store._open_work: "ada", "baru", "disalin", "dipulihkan")."""
    folder = publish.folder_of(warehouse)
    what = []
    if origin == "dipulihkan":
        what.append(
            "berkas kerja tidak ada: dibuat ulang dari katalog"
            + (f" terbitan {found.number}" if found.number else "")
        )
    elif found.kind is None and origin == "ada":
        what.append("katalog tidak ada: ditulis ulang dari berkas kerja")
    elif found.kind == "rusak":
        what.append(f"katalog rusak ({found.problem}), ditulis ulang dari berkas kerja")
    if foreign := found.foreign(folder):
        what.append(
            f"katalog menunjuk berkas di {foreign[0].parent.parent} (gudang data disalin atau dipindah): "
            f"kini berkas di {folder}"
        )
    listed = {
        berkas: (table, month)
        for table, month, berkas in con.execute("select tabel, bulan, berkas from bagian").fetchall()
    }
    own = {f for f in found.files if f.is_relative_to(folder)} | {folder / b for b in listed}
    if bad := _flawed(sorted(own)):
        what.append(f"{_listed(bad)}, ditulis ulang dari berkas kerja")
        _unpublish(
            con,
            [
                listed[f.relative_to(folder).as_posix()]
                for f in bad
                if f.relative_to(folder).as_posix() in listed
            ],
        )
    if not what:
        return ""
    con.execute("checkpoint")
    number = publish.publish(con, warehouse)
    line = f"gudang data diperbaiki: {'; '.join(what)}; diterbitkan sebagai terbitan {number}"
    log.warning("%s", line)
    return line


def _flawed(files: list[Path] | tuple[Path, ...]) -> dict[Path, str]:
    """The files that are gone or not whole, and why."""
    return {f: why for f in files if (why := publish.flaw(f))}


def _listed(bad: dict[Path, str]) -> str:
    """'2 berkas Parquet yang diterbitkan rusak (progres_kecamatan 2018-03 hilang, ...)'."""
    named = [f"{f.parent.name} {f.name.split('.')[0]} {why}" for f, why in list(bad.items())[:MAX_NAMED]]
    more = f" dan {len(bad) - MAX_NAMED} lainnya" if len(bad) > MAX_NAMED else ""
    return f"{len(bad)} berkas Parquet yang diterbitkan rusak ({', '.join(named)}{more})"


def _unpublish(con: duckdb.DuckDBPyConnection, parts: list[tuple[str, str]]) -> None:
    """Have the next publication write these partitions again (a schema file: unlisted, so that
    it is found missing and written again)."""
    with db.transaction(con):
        for table, month in parts:
            if month == partitions.SCHEMA:
                con.execute("delete from bagian where tabel = ? and bulan = ?", [table, month])
            else:
                partitions.mark(con, [table], [month])
