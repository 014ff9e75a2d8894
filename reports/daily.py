"""The daily report: `write_report` turns the warehouse into an HTML page and a workbook for D."""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter.exceptions

from contract import files
from contract.dates import DEFAULT_TARGET, WITA
from contract.errors import ReportNotWritten, os_reason
from reports import data, html, xlsx


@dataclass(frozen=True)
class ReportPaths:
    """The two files of one report."""

    html: Path
    xlsx: Path


def paths_for(out_dir: Path, tanggal: date, known_on: datetime | None = None) -> ReportPaths:
    """laporan-ektp-2018-04-12.html / .xlsx in `out_dir`; rebuilt as known on a moment,
    laporan-ektp-2018-04-12-diketahui-20180413T020533.html (WITA), beside the one of that day."""
    stem = f"laporan-ektp-{tanggal.isoformat()}"
    if known_on is not None:
        stem += f"-diketahui-{known_on.astimezone(WITA):%Y%m%dT%H%M%S}"
    return ReportPaths(html=out_dir / f"{stem}.html", xlsx=out_dir / f"{stem}.xlsx")


def write_report(
    warehouse: Path,
    tanggal: date,
    out_dir: Path,
    target: date = DEFAULT_TARGET,
    provinsi: str | None = None,
    known_on: datetime | str | None = None,
) -> ReportPaths:
    """Write the report for `tanggal` of province `provinsi` (None: every province in the warehouse,
    the nation at national scope); ReportError when the warehouse is missing or has no data for it.
    With `known_on` (an aware time, or a run id), the report as it would have been written with the
    files decided up to that moment (see warehouse.asof)."""
    if Path(out_dir).exists() and not Path(out_dir).is_dir():  # before the warehouse is read
        raise ReportNotWritten("folder laporan adalah sebuah berkas, bukan folder", out_dir=out_dir)
    laporan = data.load(Path(warehouse), tanggal, target, provinsi, known_on)
    paths = paths_for(Path(out_dir), tanggal, laporan.diketahui_pada)
    try:
        paths.html.parent.mkdir(parents=True, exist_ok=True)
        # Write beside and rename, so a reader never opens half a report.
        write_atomically(paths.html, lambda tmp: tmp.write_text(html.page(laporan), encoding="utf-8"))
        write_atomically(paths.xlsx, lambda tmp: xlsx.write(laporan, tmp))
    except (OSError, xlsxwriter.exceptions.FileCreateError) as e:
        raise ReportNotWritten(f"laporan tidak dapat ditulis: {os_reason(e)}", out_dir=out_dir) from e
    return paths


def write_atomically(path: Path, write) -> None:
    """Run `write` (a library writing a file by name) on a temporary sibling, then put it in
    `path`'s place as contract.files does: fsynced, renamed, the folder fsynced."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        files.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
