"""What a run leaves behind, normalised: every warehouse table, every receipt, both report files.

Run ids, processing times and the machine's temporary paths differ from run to run and are
replaced by placeholders; everything else must stay byte for byte what the golden files hold.
The runs go through the installed `ektp` program, whose commands and flags are the contract, so
the same snapshot can be taken on any commit:

    .venv/bin/python -m tests.golden.snapshot tests/golden          # the committed golden files
    .venv/bin/python -m tests.golden.snapshot OUT_DIR --demo-text   # also the demo's whole text

The golden files change only when a change of behaviour is meant: regenerate them in the same
commit and say why in its message.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb

from tests.corpus import corpus

GOLDEN = Path(__file__).resolve().parent
EKTP = Path(sys.executable).with_name("ektp")
DEMO_REPORT_DATES = (date(2018, 3, 31), date(2018, 4, 12), date(2018, 4, 30))
# Columns that name the run or the moment it ran.
VOLATILE_COLUMNS = {
    "run_id",
    "diproses_pada",
    "diterapkan_pada",
    "mulai",
    "selesai",
    "berlaku_sejak",
    "berlaku_sampai",  # a mart journal's: when a version was replaced
    "sejak",  # jurnal_mart: when a mart's journal began
    "ditetapkan_pada",
    "diubah_status_ns",
    "inode",
    "diterbitkan_pada",
    "pada",  # persetujuan: when a sign-off or lock was made (the demo signs and locks)
}
RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")
# `30 November 2026 08.50 WITA`: the report's processing time (report dates carry no clock).
WALL_TIME = re.compile(r"\d{1,2} [A-Z][a-z]+ \d{4} \d{2}\.\d{2}( WITA)?")


def normalise(text: str, base: Path, link: str | None = None) -> str:
    text = text.replace(str(base), "<BASE>")
    if link:  # a symlink is identified by its target, which lies in the temporary folder
        text = text.replace(link, "<TAUTAN>")
    text = RUN_ID.sub("<RUN>", text)
    return WALL_TIME.sub("<WAKTU>", text)


def tables(warehouse: Path, base: Path, link: str | None) -> dict[str, str]:
    """One text per relation of the main schema: its columns, then its rows sorted."""
    out = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            n
            for (n,) in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'main' order by table_name"
            ).fetchall()
        ]
        for name in names:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_schema = 'main'"
                    " and table_name = ? order by ordinal_position",
                    [name],
                ).fetchall()
                if c not in VOLATILE_COLUMNS
            ]
            rows = [
                dict(zip(columns, r, strict=True))
                for r in con.execute(f'select {", ".join(columns)} from "{name}"').fetchall()
            ]
            for r in rows:
                if r.get("file") == corpus.SYMLINK and "ukuran" in r:
                    r["ukuran"] = "<PANJANG TAUTAN>"  # a link's size is the length of its target's path
            lines = sorted(json.dumps([_plain(v) for v in r.values()], ensure_ascii=False) for r in rows)
            out[f"tabel/{name}"] = normalise("\n".join([",".join(columns), *lines]) + "\n", base, link)
    return out


def _plain(value: object) -> object:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, str, float)) or value is None:
        return value
    return str(value)


def receipts(folder: Path, base: Path, link: str | None) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            name = RUN_ID.sub("<RUN>", path.relative_to(folder).as_posix())
            out[f"tanda_terima/{name}"] = normalise(path.read_text(encoding="utf-8"), base, link)
    return out


def workbook(path: Path, base: Path) -> str:
    """Every cell of every sheet, row by row."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"== {sheet.title}")
        for row in sheet.iter_rows(values_only=True):
            cells = ["<WAKTU>" if isinstance(v, datetime) and v.year > 2020 else _plain(v) for v in row]
            lines.append(json.dumps(cells, ensure_ascii=False))
    return normalise("\n".join(lines) + "\n", base)


def reports(folder: Path, base: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.glob("laporan-ektp-*")):
        if path.suffix == ".html":
            out[f"laporan/{path.name}"] = normalise(path.read_text(encoding="utf-8"), base)
        elif path.suffix == ".xlsx":
            out[f"laporan/{path.name}.txt"] = workbook(path, base)
    return out


def _ektp(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([str(EKTP), *args], env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"ektp {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")


def everything(warehouse: Path, base: Path, link: str | None = None) -> dict[str, str]:
    folder = warehouse.parent
    return {
        **tables(warehouse, base, link),
        **receipts(folder / "tanda_terima", base, link),
        **reports(folder / "laporan", base),
    }


def demo(base: Path, env: dict[str, str]) -> dict[str, str]:
    """`ektp demo` into `base`, then the report of every story day."""
    _ektp(["demo", *_demo_paths(base)], env)
    return demo_made(base, env)


def demo_made(base: Path, env: dict[str, str]) -> dict[str, str]:
    """The dump of a demo already made in `base` (tests/demo's one run), after the report of every
    story day (the demo writes them; written again here, as an analyst would, they must not move)."""
    for day in DEMO_REPORT_DATES:
        _ektp(["report", "--date", day.isoformat(), *_demo_paths(base)], env)
    return everything(base / "gudang" / "warehouse.duckdb", base)


def _demo_paths(base: Path) -> list[str]:
    return ["--landing", str(base / "landing"), "--warehouse", str(base / "gudang" / "warehouse.duckdb")]


def bad_input(base: Path, env: dict[str, str]) -> dict[str, str]:
    """One nightly over the bad-input corpus, then its report."""
    landing = corpus.build(base)
    warehouse = base / "gudang" / "ektp.duckdb"
    common = ["--landing", str(landing), "--warehouse", str(warehouse)]
    env = {**env, "EKTP_TODAY": corpus.TODAY.isoformat(), "EKTP_MIN_AGE_SECONDS": "0"}
    _ektp(["nightly", "--date", corpus.REPORT_DATE.isoformat(), *common], env)
    # No file of D is loaded (the corpus's files of D are rejected): the nightly's report of D carries
    # the figures forward; the report of the last loaded day is taken too.
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (last,) = con.execute("select max(tanggal) from progres_provinsi").fetchone()
    _ektp(["report", "--date", last.isoformat(), *common], env)
    target = os.fsencode(os.readlink(landing / corpus.SYMLINK))
    return everything(warehouse, base, hashlib.sha256(b"symlink:" + target).hexdigest())


def digests(dump: dict[str, str]) -> dict[str, dict]:
    """name -> sha256 and line count: the demo's dump is megabytes, its digest a few lines."""
    return {
        name: {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "baris": text.count("\n")}
        for name, text in sorted(dump.items())
    }


def write(dump: dict[str, str], out: Path) -> None:
    for name, text in dump.items():
        path = out / f"{name}.txt" if not name.endswith(".txt") else out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def main(out: Path, demo_text: bool = False) -> None:
    """Take both snapshots into `out`: the corpus's whole, the demo's as digests (and text on request)."""
    import shutil
    import tempfile

    env = {**os.environ}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        shutil.rmtree(out / "korpus", ignore_errors=True)
        write(bad_input(tmp / "korpus", env), out / "korpus")
        dump = demo(tmp / "demo", env)
        if demo_text:
            write(dump, out / "demo")
        (out / "demo.json").write_text(json.dumps(digests(dump), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), demo_text="--demo-text" in sys.argv[2:])
