"""The daily report: `write_report` turns the warehouse into an HTML page and a workbook for D."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter.exceptions

from contract.dates import DEFAULT_TARGET
from contract.errors import ReportNotWritten
from reports import data, html, xlsx


@dataclass(frozen=True)
class ReportPaths:
    """The two files of one report."""

    html: Path
    xlsx: Path


def paths_for(out_dir: Path, tanggal: date) -> ReportPaths:
    """laporan-ektp-2018-04-12.html / .xlsx in `out_dir`."""
    stem = out_dir / f"laporan-ektp-{tanggal.isoformat()}"
    return ReportPaths(html=stem.with_suffix(".html"), xlsx=stem.with_suffix(".xlsx"))


def write_report(
    warehouse: Path, tanggal: date, out_dir: Path, target: date = DEFAULT_TARGET, provinsi: str | None = None
) -> ReportPaths:
    """Write the report for `tanggal` of province `provinsi` (None: every province in the warehouse,
    the nation at national scope); ReportError when the warehouse is missing or has no data for it."""
    laporan = data.load(Path(warehouse), tanggal, target, provinsi)
    paths = paths_for(Path(out_dir), tanggal)
    try:
        paths.html.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename, so a reader never opens half a report.
        write_atomically(paths.html, lambda tmp: tmp.write_text(html.render(laporan), encoding="utf-8"))
        write_atomically(paths.xlsx, lambda tmp: xlsx.write(laporan, tmp))
    except (OSError, xlsxwriter.exceptions.FileCreateError) as e:
        raise ReportNotWritten(f"laporan tidak dapat ditulis: {getattr(e, 'strerror', None) or e}", out_dir=out_dir) from e
    return paths


def write_atomically(path: Path, write) -> None:
    """Run `write` on a temporary sibling, then replace `path` with it."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
