"""The warehouse's schema versions: the numbered migrations this release knows, and the refusal
of a file a newer release wrote. One place for both, used by the writer (warehouse.store, before
it migrates or copies anything) and by every reader (warehouse.read, before a query)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contract.errors import WarehouseError

MIGRATIONS = Path(__file__).resolve().parent / "sql" / "migrations"


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
