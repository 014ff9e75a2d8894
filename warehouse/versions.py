"""The warehouse's schema versions: the numbered migrations this release knows, and the refusal
of a file a newer release wrote (by the writer, warehouse.store, before it migrates or copies
anything, and by every reader, warehouse.read, before a query) or one too old for the readers'
queries (by the readers; the writer migrates it)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contract.errors import WarehouseError

MIGRATIONS = Path(__file__).resolve().parent / "sql" / "migrations"
# The oldest schema the readers' queries run on: 010 made laporan_kecamatan_terakhir, which the
# report's and the portal's queries read. An older file (a backup of an early release) is brought
# up to date by a run of this release, which migrates it.
READERS_NEED = 10


@cache
def migrations() -> tuple[tuple[int, str, str], ...]:
    """(version, name, sql) of every numbered migration, in order."""
    found = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        version = int(path.name.split("_", 1)[0])
        found.append((version, path.stem, path.read_text()))
    return tuple(found)


def known() -> int:
    """The newest migration this release knows."""
    return max(version for version, _, _ in migrations())


def refuse_newer(recorded: int | None, path: Path | None = None) -> None:
    """A warehouse a newer release migrated is refused before anything is read or changed: this
    release would not know its tables, and would read or write them as it knows them."""
    if recorded is not None and recorded > known():
        where = {"path": path} if path is not None else {}
        raise WarehouseError(
            f"gudang data ini dari versi ektp yang lebih baru (migrasi {recorded}, versi ini sampai "
            f"{known()}); tidak ada yang diubah: jalankan versi ektp yang menulisnya atau yang lebih baru",
            **where,
        )


def refuse_older(recorded: int | None, path: Path | None = None) -> None:
    """A published warehouse too old for the readers' queries is refused in one line saying what
    brings it up to date, before a query fails on a table it lacks."""
    if recorded is not None and recorded < READERS_NEED:
        where = {"path": path} if path is not None else {}
        raise WarehouseError(
            f"gudang data ini dari versi ektp yang lebih lama (migrasi {recorded}; laporan dan portal "
            f"versi ini memerlukan migrasi {READERS_NEED}): jalankan `ektp nightly` sekali untuk "
            "memutakhirkannya",
            **where,
        )
