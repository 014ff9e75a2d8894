"""The daily report of any date, built when the province asks for it (issue #21 item 9): the very
page and workbook `ektp report` writes (reports.data, reports.html, reports.xlsx), read from the
warehouse published now through warehouse.read (read-only; never the writer's lock).

A built report is kept in `portal-laporan/` beside the portal's database, its files named by the
date and by the publication they were read from (`laporan-ektp-2018-04-02.t7-3f09c1d2ab.html`). A
nightly, a sign-off or a lock publishes a new catalog, which names other files: a report built
before it is never served after it, and the one it replaced is removed by the next build. Requests
for one date and one publication build once: the first starts the build on a thread, the others
wait for it on the event loop, holding no thread (single-flight, per process). The SIMPAN reports
built last are kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from contract import files, formats
from contract.errors import ReportError
from contract.settings import Settings
from warehouse import read

log = logging.getLogger(__name__)
FOLDER = "portal-laporan"  # beside the portal database, as its staging folder (portal.deliver)
SIMPAN = 30  # reports kept, each a page and a workbook (a report of a month of NTB: ~0.3 MB)
BENTUK = ("html", "xlsx")
NAMA = re.compile(r"^laporan-ektp-(\d{4}-\d{2}-\d{2})\.(t[0-9]+-[0-9a-f]{10})\.(html|xlsx)$")
# A build's temporary files (reports.daily.write_atomically, contract.files.write_atomic), left
# behind when its process was killed mid-build; a build takes seconds, so one this old is left over.
SISA = re.compile(r"^\.laporan-ektp-.+\.(tmp|sementara)$")
SISA_SECONDS = 3600


class TidakAdaData(ReportError):
    """The warehouse has no report for that date (none yet, or the date is outside its days):
    the province's mistake or a day still to come, a 404 page, never a 503."""


@dataclass(frozen=True)
class Terbitan:
    """The publication read now: `kunci` names the files built from it; the scope's first and last
    reported day (None before any file was loaded)."""

    kunci: str
    pertama: date | None
    terakhir: date | None

    def periksa(self, tanggal: date) -> None:
        """A TidakAdaData saying why there is no report for `tanggal`, or nothing."""
        if self.pertama is None or self.terakhir is None:
            raise TidakAdaData("Gudang data belum berisi laporan yang dimuat.", tanggal=tanggal)
        if not self.pertama <= tanggal <= self.terakhir:
            raise TidakAdaData(
                f"Tidak ada data untuk {formats.tanggal(tanggal)}: gudang data berisi laporan "
                f"{formats.tanggal(self.pertama)} sampai {formats.tanggal(self.terakhir)}.",
                tanggal=tanggal,
            )


def folder_of(portal_db: Path) -> Path:
    return portal_db.parent / FOLDER


def terbitan(settings: Settings) -> Terbitan | None:
    """The publication the warehouse path holds now, or None before the first run.

    Its key is the catalog's publication number with the file's identity (inode, mtime, size):
    every publication renames a new catalog over the path, so even a catalog written again with
    the same number (a repair) is another key. The identity is taken before the report is read, so
    a report holds at least that publication's figures, never older ones."""
    path = settings.warehouse
    if not path.is_file():
        return None
    stat = path.stat()
    with read.connect(path) as con:
        nomor = read.rows(con, "sehat_terbitan")
        rentang = read.rows(con, "rentang_tanggal", provinsi=settings.report_provinsi)[0]
    identity = f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}".encode()
    kunci = f"t{int(nomor[0]['nomor']) if nomor else 0}-{hashlib.sha256(identity).hexdigest()[:10]}"
    return Terbitan(kunci, rentang["pertama"], rentang["terakhir"])


def path_of(folder: Path, tanggal: date, kunci: str, bentuk: str) -> Path:
    return folder / f"laporan-ektp-{tanggal.isoformat()}.{kunci}.{bentuk}"


def cached(folder: Path, tanggal: date, kunci: str, bentuk: str) -> bytes | None:
    """The file of a report built from this publication, or None. Both files must be there: the
    page is written last, so a build killed halfway is built again."""
    try:
        if not path_of(folder, tanggal, kunci, "html").is_file():
            return None
        return path_of(folder, tanggal, kunci, bentuk).read_bytes()
    except FileNotFoundError:  # removed by another build's pruning since: build it again
        return None


def build(settings: Settings, folder: Path, tanggal: date, kunci: str) -> dict[str, bytes]:
    """Read the report of `tanggal` and keep its page and workbook under this publication's key;
    their bytes. One at a time per date and key (Pembuat), so a second caller finds it built."""
    if (page := cached(folder, tanggal, kunci, "html")) and (book := cached(folder, tanggal, kunci, "xlsx")):
        return {"html": page, "xlsx": book}
    # Imported here: the report's modules (its charts above all) are not needed to start the portal.
    from reports import data, html, xlsx
    from reports.daily import write_atomically

    log.info("laporan %s dibangun dari terbitan %s", tanggal, kunci)
    laporan = data.load(settings.warehouse, tanggal, settings.target, settings.report_provinsi)
    folder.mkdir(parents=True, exist_ok=True)
    page = html.page(laporan).encode("utf-8")
    # The workbook first, the page last: `cached` takes the page as the sign of a whole report.
    workbook = path_of(folder, tanggal, kunci, "xlsx")
    write_atomically(workbook, lambda tmp: xlsx.write(laporan, tmp))  # contract.files.replace
    files.write_atomic(path_of(folder, tanggal, kunci, "html"), page)
    book = workbook.read_bytes()
    prune(folder, keep=(tanggal, kunci))
    return {"html": page, "xlsx": book}


def prune(folder: Path, keep: tuple[date, str], simpan: int = SIMPAN) -> list[Path]:
    """Remove the reports of `keep`'s date built from another publication (never served again),
    then all but the `simpan` built last, and the temporary files of builds killed over an hour
    ago; the files removed."""
    reports: dict[tuple[str, str], list[Path]] = {}
    leftovers = []
    for path in folder.iterdir():
        if found := NAMA.match(path.name):
            reports.setdefault((found[1], found[2]), []).append(path)
        elif SISA.match(path.name) and time.time() - _mtime(path) / 1e9 > SISA_SECONDS:
            leftovers.append(path)
    kept = (keep[0].isoformat(), keep[1])
    stale = [k for k in reports if k[0] == kept[0] and k != kept]
    rest = sorted(
        (k for k in reports if k[0] != kept[0]),
        key=lambda k: max(_mtime(p) for p in reports[k]),
        reverse=True,
    )
    removed = [*leftovers]
    for key in [*stale, *rest[max(simpan - 1, 0) :]]:
        removed += reports[key]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return 0


class Pembuat:
    """The portal's builder of reports on demand: one build per date and publication at a time.
    Used from the event loop only, so its table of builds under way needs no lock."""

    def __init__(self) -> None:
        self._sedang: dict[tuple[date, str], asyncio.Future[dict[str, bytes]]] = {}

    async def laporan(self, settings: Settings, folder: Path, tanggal: date, bentuk: str) -> bytes:
        """The report of `tanggal` as `bentuk` ("html" or "xlsx"), from the publication read now;
        TidakAdaData when the warehouse has none for that date."""
        found = await run_in_threadpool(terbitan, settings)
        if found is None:
            raise TidakAdaData("Belum ada data: proses malam belum pernah berjalan.", tanggal=tanggal)
        found.periksa(tanggal)
        if (body := await run_in_threadpool(cached, folder, tanggal, found.kunci, bentuk)) is not None:
            return body
        key = (tanggal, found.kunci)
        flight = self._sedang.get(key)
        if flight is None:
            flight = asyncio.ensure_future(run_in_threadpool(build, settings, folder, tanggal, found.kunci))
            self._sedang[key] = flight
            flight.add_done_callback(lambda done: self._landed(key, done))
        else:
            log.debug("laporan %s dari terbitan %s sedang dibangun: ditunggu", tanggal, found.kunci)
        # shielded: a client that leaves does not cancel the build the others wait for
        return (await asyncio.shield(flight))[bentuk]

    def _landed(self, key: tuple[date, str], done: asyncio.Future[dict[str, bytes]]) -> None:
        if self._sedang.get(key) is done:
            del self._sedang[key]
        if not done.cancelled() and (exc := done.exception()) is not None:
            # every waiter gets the exception; this reads it once more so that a build nobody
            # waits for any more (its clients left) is not reported as never retrieved
            log.debug("pembangunan laporan %s gagal: %s", key[0], exc)
