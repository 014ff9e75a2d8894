"""`ektp check`: the receipt a district would get for one file, from the very steps a run takes
(reading, the rules of the suites, the decision, the history check against the published
warehouse), with nothing written.

The rules are applied through their Polars predicates (`engine.PredicateValidator`), the ones
every nightly's GX run checks its counts against: the same verdict and findings without a GX run
(~0.1-0.2 s whatever the rows), the nightly's GX decision being what it foretells.

The portal checks several uploads at once with the same code (`receipts`): a round reads the
warehouse once for all its files, so ten offices sending at the same moment wait for one check.
"""

from __future__ import annotations

import stat
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract import regions, rules
from contract.errors import UsageError
from contract.formats import path_text
from contract.regions import Reference
from contract.settings import Settings
from expectations.engine import PredicateValidator, Validator
from landing.inbox import LandingFile
from pipeline import batch as batches
from pipeline import runs
from reports import receipts as receipt_docs
from transforms import ledger
from transforms.batch import FINDINGS
from warehouse import persetujuan, read


@dataclass(frozen=True)
class Checked:
    """One file to check: where its bytes are, whose inbox it is for, and its name there."""

    path: Path
    kabupaten: str
    name: str | None = None  # default: the file's own name


def receipt(settings: Settings, path: Path, kabupaten: str, name: str | None = None) -> dict:
    """The receipt of the file at `path` as if it lay in the inbox of `kabupaten` as `name`."""
    return receipts(settings, [Checked(path, kabupaten, name)])[0]


def receipts(settings: Settings, files: list[Checked], validator: Validator | None = None) -> list[dict]:
    """One receipt per file, in order, each exactly the one the file gets when checked alone.

    A round decides its files together, and two files of one district and date would decide
    each other (superseded, duplicate): so a round holds at most one file per kabupaten.
    `validator`: the rules' predicates unless given (a GX `Validator` gives the same receipts).
    """
    reference = regions.load(settings.provinsi)
    sources = [_source(reference, f) for f in files]
    validator = validator or PredicateValidator(data_docs=None)
    found: dict[int, dict] = {}
    for positions in _rounds(files):
        for at, r in zip(
            positions, _round(settings, reference, [sources[i] for i in positions], validator), strict=True
        ):
            found[at] = r
    return [found[i] for i in range(len(files))]


def _source(reference: Reference, f: Checked) -> LandingFile:
    """The file as the landing folder would list it (refused when the inbox is not in scope);
    its name and inbox escaped as the landing folder's are (CONTRACT §1)."""
    if f.path.is_dir():  # a folder: say so, not that nothing is there
        raise UsageError(f"ini folder, bukan berkas: {path_text(str(f.path))}")
    if not (f.path.exists() or f.path.is_symlink()):
        raise UsageError(f"berkas tidak ada: {path_text(str(f.path))}")
    st = f.path.lstat()
    kode = path_text(f.kabupaten)
    problem = (
        None
        if f.kabupaten in reference.kabupaten_codes
        else rules.message("berkas_tidak_terbaca", "folder_asing", folder=kode)
    )
    return LandingFile(
        f"{kode}/{path_text(f.name or f.path.name)}",
        kode,
        f.path,
        st.st_size,
        st.st_mtime_ns,
        problem,
        st.st_ctime_ns,
        st.st_ino,
        stat.S_IFMT(st.st_mode),
    )


def _rounds(files: list[Checked]) -> list[list[int]]:
    """Positions of the files grouped into rounds with at most one file per kabupaten."""
    rounds: list[list[int]] = []
    taken: list[set[str]] = []
    for i, f in enumerate(files):
        free = next((r for r, kabupaten in enumerate(taken) if f.kabupaten not in kabupaten), None)
        if free is None:
            rounds.append([])
            taken.append(set())
            free = len(rounds) - 1
        rounds[free].append(i)
        taken[free].add(f.kabupaten)
    return rounds


def _round(
    settings: Settings, reference: Reference, sources: list[LandingFile], validator: Validator
) -> list[dict]:
    """The receipts of files of distinct kabupaten, in the order given."""
    uploads = batches.read_uploads(sources, settings.hari_ini)
    if len(uploads) < len(sources):  # deleted or renamed since it was found (read_uploads leaves it out)
        kept = {u.source.file for u in uploads}
        gone = next(s for s in sources if s.file not in kept)
        raise UsageError(f"berkas tidak ada: {path_text(str(gone.path))}")
    # One read-only attach of the published warehouse per round, for the locks and the history
    # alike: an attach, its version check and detach cost ~5 ms a time, and both read one snapshot.
    with _Published(settings.warehouse) as published:
        # A locked date is refused at once, as the nightly would (CONTRACT §2 `periode_terkunci`).
        checked, files = runs.decide_batch(uploads, reference, validator, _locks(published, uploads))
        findings = pl.concat([checked.findings, _history(published, checked, files, validator)])
    # A check is not an arrival: its receipt names none (the portal shows when it received the file).
    unggahan = ledger.unggahan(files, findings, "check", datetime.now(UTC)).with_columns(
        tiba_pada=pl.lit(None, pl.Datetime("us", "UTC"))
    )
    # One file checked alone lists every finding (each rule bounds its own); a run's receipts bound them.
    kualitas = ledger.kualitas_data(files, findings, "check")
    by_file = {r["berkas"]: r for r in receipt_docs.receipts(unggahan, kualitas, limit=None, headers=files)}
    return [by_file[s.file] for s in sources]


class _Published:
    """The published warehouse, attached read-only at its first use in a round and detached at
    the round's end; None without a warehouse."""

    def __init__(self, warehouse: Path) -> None:
        self._warehouse = warehouse
        self._stack = ExitStack()
        self._con: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> _Published:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def con(self) -> duckdb.DuckDBPyConnection | None:
        if self._con is None and self._warehouse.exists():
            self._con = self._stack.enter_context(read.connect(self._warehouse))
        return self._con


def _locks(published: _Published, uploads: list[batches.Upload]) -> dict[tuple[str, date], persetujuan.Kunci]:
    """The uploads' districts and dates the province locked, with who locked them (read-only;
    none without a warehouse)."""
    if not (groups := runs.groups(uploads)) or (con := published.con()) is None:
        return {}
    return persetujuan.terkunci(con, groups, persetujuan.published_locks(con))


def _history(
    published: _Published, checked: batches.Batch, files: pl.DataFrame, validator: Validator
) -> pl.DataFrame:
    """History warnings against the published warehouse, read-only; none without a warehouse."""
    if files.filter(pl.col("status") == "loaded").is_empty() or (con := published.con()) is None:
        return pl.DataFrame(schema=FINDINGS)
    return runs.history_warnings(con, checked, files, validator)
