"""One warehouse built once per test module and put back whole before each of its tests.

Many tests of a module start from the same warehouse (the tests of publishing and repair: two
districts, 25 March to 3 April 2018, one nightly) and damage, move or extend it. Building it is a
whole nightly; putting back a copy of its data folder is a fraction of a second. The copy goes
back at the same path, because the catalog names its Parquet files by absolute path, and the
landing folder is left where it is, because a run recognises the files it decided by their stat
(inode, change time), which a copy does not keep: a copied landing would be read again as
restated files. A test that removed or rewrote a landing file (the copied-warehouse test deletes
the whole folder) therefore gets a warehouse built anew, exactly as before; files a test added
are removed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def _stat(landing: Path) -> dict[Path, tuple[int, int, int, int]]:
    found = {}
    for path in landing.rglob("*"):
        if path.is_file():
            st = path.stat()
            found[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return found


@dataclass
class Kept:
    """A landing folder and a warehouse under `root` (root/landing, root/data/w.duckdb), made by
    `build`, with a copy of the data folder in `saved`."""

    root: Path
    saved: Path
    build: Callable[[Path, Path], None]
    landing_stat: dict[Path, tuple[int, int, int, int]] | None = None

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    @property
    def warehouse(self) -> Path:
        return self.root / "data" / "w.duckdb"

    def _build(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.saved, ignore_errors=True)
        self.build(self.landing, self.warehouse)
        shutil.copytree(self.warehouse.parent, self.saved, symlinks=True, copy_function=shutil.copy2)
        self.landing_stat = _stat(self.landing)

    def fresh(self) -> tuple[Path, Path]:
        """The landing folder and the warehouse as `build` left them."""
        now = _stat(self.landing) if self.landing.is_dir() else {}
        if self.landing_stat is None or any(now.get(p) != s for p, s in self.landing_stat.items()):
            self._build()
            return self.landing, self.warehouse
        for added in now.keys() - self.landing_stat.keys():
            added.unlink()
        shutil.rmtree(self.warehouse.parent, ignore_errors=True)
        shutil.copytree(self.saved, self.warehouse.parent, symlinks=True, copy_function=shutil.copy2)
        return self.landing, self.warehouse


def fixtures(build: Callable[[Path, Path], None], folder: str, name: str = "built") -> tuple[Any, Any]:
    """A module's pair: `kept`, what `build` makes, built once for the module (in a temporary
    folder named `folder`), and `name`, the landing folder and the warehouse as `build` left them,
    for each test alone. In the module: `kept, built = fixtures(build, "terbit")`."""

    @pytest.fixture(scope="module", name="kept")
    def kept(tmp_path_factory: pytest.TempPathFactory, prefect_server: str) -> Kept:
        base = tmp_path_factory.mktemp(folder)
        return Kept(base / "asal", base / "simpan", build)

    @pytest.fixture(name=name)
    def fresh(kept: Kept) -> tuple[Path, Path]:
        return kept.fresh()

    return kept, fresh
