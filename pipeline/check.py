"""`ektp check`: the receipt a district would get for one file, from the very steps a run takes
(reading, the GX suites, the decision, the history check against the published warehouse), with
nothing written."""

from __future__ import annotations

import stat
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from contract import regions, rules
from contract.errors import UsageError
from contract.formats import path_text
from contract.settings import Settings
from expectations.engine import Validator
from landing.inbox import LandingFile
from pipeline import batch as batches
from pipeline import runs
from reports import receipts
from transforms import ledger
from transforms.batch import FINDINGS
from warehouse import read


def receipt(settings: Settings, path: Path, kabupaten: str, name: str | None = None) -> dict:
    """The receipt of the file at `path` as if it lay in the inbox of `kabupaten` as `name`."""
    if not (path.exists() or path.is_symlink()) or path.is_dir():
        raise UsageError(f"berkas tidak ada: {path_text(str(path))}")
    reference = regions.load(settings.provinsi)
    st = path.lstat()
    kode = path_text(kabupaten)
    problem = None if kabupaten in reference.kabupaten_codes else rules.message(
        "berkas_tidak_terbaca", "folder_asing", folder=kode
    )
    source = LandingFile(
        f"{kode}/{path_text(name or path.name)}", kode, path, st.st_size, st.st_mtime_ns, problem,
        st.st_ctime_ns, st.st_ino, stat.S_IFMT(st.st_mode),
    )
    validator = Validator(data_docs=None)
    checked, files = runs.decide_batch([batches.read_upload(source, settings.hari_ini)], reference, validator)
    findings = pl.concat([checked.findings, _history(settings.warehouse, checked, files, validator)])
    unggahan = ledger.unggahan(files, findings, "check", datetime.now(timezone.utc))
    return receipts.receipts(unggahan, ledger.kualitas_data(files, findings, "check"))[0]


def _history(warehouse: Path, checked: batches.Batch, files: pl.DataFrame, validator: Validator) -> pl.DataFrame:
    """History warnings against the published warehouse, read-only; none without a warehouse."""
    if not warehouse.exists() or files.filter(pl.col("status") == "loaded").is_empty():
        return pl.DataFrame(schema=FINDINGS)
    with read.connect(warehouse) as con:
        return runs.history_warnings(con, checked, files, validator)
