"""`ektp check FILE --kabupaten K`: the receipt a district would get, with nothing written."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from ektp import batch as batches
from ektp import reference as references
from ektp import receipts
from ektp.errors import UsageError
from ektp.landing import LandingFile
from ektp.settings import Settings
from expectations.engine import Validator
from transforms import ledger
from transforms.decisions import decide


def check(settings: Settings, path: Path, kabupaten: str, as_json: bool = False) -> int:
    """Print the receipt; 0 when the file would be loaded, 1 when it would be rejected."""
    if not path.is_file():
        raise UsageError(f"berkas tidak ada: {path}")
    ref = references.load(settings.provinsi)
    st = path.lstat()
    problem = None if kabupaten in ref.kabupaten_codes else f"folder {kabupaten} bukan kode kabupaten/kota dalam cakupan"
    source = LandingFile(f"{kabupaten}/{path.name}", kabupaten, path, st.st_size, st.st_mtime_ns, problem)
    upload = batches.read_upload(source, settings.today)
    validator = Validator(data_docs=None)
    checked = batches.validate(batches.assemble([upload]), ref, validator)
    errors = batches.error_files(checked).with_columns(has_error=pl.lit(True))
    files = decide(
        checked.files.join(errors, on="file_id", how="left").with_columns(pl.col("has_error").fill_null(False))
    )
    findings = pl.concat([checked.findings, _history(settings, checked, files, validator)])
    now = datetime.now(timezone.utc)
    unggahan = ledger.unggahan(files, findings, "check", now)
    receipt = receipts.receipts(unggahan, ledger.kualitas_data(files, findings, "check"))[0]
    print(json.dumps(receipt, ensure_ascii=False, indent=2, default=str) if as_json else receipts.text(receipt), end="")
    return 0 if receipt["status"] != "rejected" else 1


def _history(settings: Settings, checked, files: pl.DataFrame, validator: Validator) -> pl.DataFrame:
    """History warnings against the published warehouse, read-only; none without a warehouse."""
    from warehouse import read, store

    valid = checked.rows.join(files.filter(pl.col("status") == "loaded").select("file_id"), on="file_id")
    if valid.is_empty() or not settings.warehouse.exists():
        return pl.DataFrame(schema=batches.FINDINGS)
    with read.connect(settings.warehouse) as con:
        loaded = store.loaded_reports(con, files)
    return batches.history_findings(valid, loaded, validator)
