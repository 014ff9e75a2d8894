"""The bad-input corpus: its verdict table, a landing folder built from it, and one nightly run.

`expected.csv` has one row per file of the landing folder:
  file     path relative to the landing folder (as `unggahan.file`)
  status   loaded | rejected | superseded | duplicate
  aturan   the set of `aturan` of its findings, `|`-separated (empty: none)
  diubah   its modification time (order matters, CONTRACT §2)
  sumber   berkas: committed under landing/; make_xlsx.py: written by that script;
           tes: made by `build` (the 200,000-line file, the symlink)
  catatan  what the file is
"""

from __future__ import annotations

import csv
import os
import pickle
import shutil
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.corpus import make_xlsx
from tests.once import built_once
from tests.uploads import run_settings

CORPUS = Path(__file__).resolve().parent
# "Today" is pinned (EKTP_TODAY) so that "after today" is a fixed date of the corpus.
TODAY = date(2018, 4, 21)
REPORT_DATE = date(2018, 4, 20)
HISTORY_RULES = frozenset({"rekam_menurun", "rekam_harian_tidak_sesuai", "wajib_ktp_melonjak"})
BIG_FILE = "5208/besar_2018-04-19.csv"
OVER_FILE = "5208/lebih_banyak_2018-04-19.csv"
SYMLINK = "5272/tautan_2018-04-12.csv"
BIG_LINES = 100_000  # the most a CSV may have (CONTRACT §1); OVER_FILE has one more


@dataclass(frozen=True)
class Expected:
    file: str
    status: str
    aturan: frozenset[str]
    diubah: datetime
    sumber: str
    catatan: str

    @property
    def inbox(self) -> str:
        """The folder the file sits in (the landing folder's own name for a stray file)."""
        return self.file.rsplit("/", 1)[0] if "/" in self.file else "landing"


def expected() -> list[Expected]:
    with open(CORPUS / "expected.csv", newline="", encoding="utf-8") as fh:
        return [
            Expected(
                file=r["file"],
                status=r["status"],
                aturan=frozenset(a for a in r["aturan"].split("|") if a),
                diubah=datetime.fromisoformat(r["diubah"]),
                sumber=r["sumber"],
                catatan=r["catatan"],
            )
            for r in csv.DictReader(fh)
        ]


def build(base: Path) -> Path:
    """A landing folder under `base` holding every file of the table, with its modification time."""
    landing = base / "landing"
    shutil.copytree(CORPUS / "landing", landing)
    make_xlsx.make(landing)
    write_big_file(landing / BIG_FILE)
    write_big_file(landing / OVER_FILE, BIG_LINES + 1)
    outside = base / "luar" / "rekap_2018-04-12.csv"  # a valid report, outside the landing folder
    outside.parent.mkdir(parents=True)
    shutil.copyfile(CORPUS / "landing" / "5272" / "rekap_2018-04-01.csv", outside)
    (landing / SYMLINK).symlink_to(outside)
    for e in expected():
        stamp = e.diubah.timestamp()
        os.utime(landing / e.file, (stamp, stamp), follow_symlinks=False)
    return landing


def write_big_file(path: Path, lines: int = BIG_LINES) -> None:
    """`lines` lines: header, 5 kecamatan rows, Excel padding, a wrong JUMLAH on the last line."""
    rows = (CORPUS / "landing" / "5208" / "rekap_klu_2018-04-01.csv").read_text().splitlines()[-5:]
    rows = [r.replace("2018-04-01", "2018-04-19") for r in rows]
    sums = [sum(int(r.split(",")[c]) for r in rows) for c in range(3, 7)]
    sums[0] += 1  # wajib_ktp of JUMLAH one more than the column sum
    header = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam,sudah_cetak"
    padding = ",,,,,,\n" * (lines - 2 - len(rows))
    total = ",,JUMLAH," + ",".join(map(str, sums))
    path.write_text(header + "\n" + "\n".join(rows) + "\n" + padding + total + "\n")


def files_under(landing: Path) -> set[str]:
    """Every file (or symlink) under the landing folder, relative, '/'-separated."""
    return {p.relative_to(landing).as_posix() for p in landing.rglob("*") if p.is_symlink() or p.is_file()}


def snapshot(folder: Path) -> dict[str, tuple]:
    """Path -> (kind, size, mtime, bytes or link target) of everything under `folder`."""
    out = {}
    for p in sorted(folder.rglob("*")):
        st = p.lstat()
        if p.is_symlink():
            out[p.relative_to(folder).as_posix()] = ("link", os.readlink(p), st.st_mtime_ns)
        elif p.is_file():
            out[p.relative_to(folder).as_posix()] = ("file", st.st_size, st.st_mtime_ns, p.read_bytes())
        else:
            out[p.relative_to(folder).as_posix()] = ("dir",)
    return out


@dataclass(frozen=True)
class CorpusRun:
    landing: Path
    warehouse: Path
    summary: dict
    seconds: float


_RUN: CorpusRun | None = None


def nightly_over_corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    """ONE nightly over the whole corpus per test run (tests/once.py), shared by every module that
    asks; every one of them only reads the result."""
    global _RUN
    if _RUN is None:
        base = built_once(tmp_path_factory, "korpus", _nightly)
        _RUN = pickle.loads((base / "nightly.pickle").read_bytes())
    return _RUN


def _nightly(base: Path) -> None:
    """The corpus's nightly in `base`, its summary left beside it."""
    from flows.nightly import nightly

    landing = build(base)
    warehouse = base / "gudang" / "ektp.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EKTP_TODAY", TODAY.isoformat())
        start = time.perf_counter()
        summary = nightly(tanggal=REPORT_DATE, settings=run_settings(landing, warehouse))
        seconds = time.perf_counter() - start
    (base / "nightly.pickle").write_bytes(pickle.dumps(CorpusRun(landing, warehouse, summary, seconds)))
