"""Helpers of the portal tests: a small world (landing, warehouse after a nightly, accounts), a
portal on a loopback port, and an HTTP client that signs in and fills in CSRF tokens."""

from __future__ import annotations

import re
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import httpx

from contract import regions
from contract.settings import Settings
from portal import accounts, db
from portal.security import Limits
from portal.server import running
from tests import web_client
from tests.flows.support import free_port
from tests.procfs import children_of
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, WITA, day_file, row, write

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)
TODAY = date(2018, 4, 4)
LOMBOK_BARAT = sorted(regions.load("52").kecamatan.filter(kode_kabupaten="5201")["kode_kecamatan"].to_list())

# name -> (role, kabupaten, password)
ACCOUNTS = {
    "lobar": ("kabupaten", "5201", "sandi-lobar-123"),
    "kobi": ("kabupaten", "5272", "sandi-kobi-1234"),
    "prov": ("provinsi", None, "sandi-prov-1234"),
    "adm": ("admin", None, "sandi-admin-123"),
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')

# The browser tests: Debian's Chromium through Playwright (the `chromium` fixture, conftest.py).
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "portal"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Network off: every host name fails to resolve, any proxied connection is refused (loopback
    # addresses bypass the proxy).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--proxy-server=127.0.0.1:9",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}


def fits(page) -> bool:
    """Nothing scrolls sideways: the page is no wider than the viewport it was opened with. Not
    `window.innerWidth`: with `is_mobile` Chromium widens the layout viewport to the content, so a
    page 790 px wide on a 390 px phone would still "fit" it."""
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@dataclass(frozen=True)
class World:
    settings: Settings

    @property
    def landing(self) -> Path:
        return self.settings.landing

    @property
    def warehouse(self) -> Path:
        return self.settings.warehouse


def on_time(day: date) -> datetime:
    """An upload the evening of its date, before the nightly at 02:00 the next day."""
    return datetime.combine(day, clock(19), tzinfo=WITA)


def build_world(root: Path, nightly: bool = True) -> World:
    """Three districts: Lombok Barat (5201) every day on time, one kecamatan missing on D3; Kota
    Bima (5272) on time on D1 and D2 and late on D3; Lombok Utara (5208) rejected on D3 (its
    correction never came) and missing on D2. Then the nightly for D3, and the accounts."""
    landing = root / "landing"
    for d in (D1, D2, D3):
        day_file(
            landing,
            "5201",
            LOMBOK_BARAT,
            d,
            base=5_000,
            step=50,
            when=on_time(d),
            skip=("520115",) if d == D3 else (),
        )
        late = datetime.combine(d + timedelta(days=1), clock(9), tzinfo=WITA)
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10, when=late if d == D3 else on_time(d))
    day_file(landing, "5208", LOMBOK_UTARA, D1, base=7_000, step=20, when=on_time(D1))
    write(landing, "5208", f"lap_{D3}.csv", [row(D3, "520801", 100, 900)], on_time(D3))
    settings = Settings.load(
        landing=landing, warehouse=root / "gudang" / "ektp.duckdb", today=TODAY, min_age_seconds=0
    )
    if nightly:
        run_nightly(settings)
    path = db.create(db.path_of(settings))
    for nama, (peran, kode, sandi) in ACCOUNTS.items():
        add_account(path, settings, nama, peran, kode, sandi)
    return World(settings)


def run_nightly(settings: Settings, tanggal: date = D3) -> dict:
    from flows.nightly import nightly

    return nightly(settings=settings, tanggal=tanggal)


@contextmanager
def portal(
    settings: Settings, nightly_api: str | None = None, warm: bool = True, limits: Limits | None = None
):
    """The portal on a free loopback port; yields its base URL (the checker warm when `warm`)."""
    settings = settings.with_flags(portal_port=free_port())
    with running(settings, nightly_api=nightly_api, say=lambda _: None, limits=limits) as url:
        if warm:
            wait_warm(url)
        yield url.rstrip("/")


def wait_warm(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while web_client.get(url.rstrip("/") + "/sehat").json()["pemeriksa"] != "siap":
        assert time.monotonic() < deadline, "the checker never became warm"
        time.sleep(0.2)


class Browser:
    """An HTTP client with its own cookies that knows the portal's forms."""

    def __init__(self, base: str, **headers: str) -> None:
        self.base = base
        self.http = web_client.client(base_url=base, follow_redirects=False, timeout=120, headers=headers)
        self.csrf: str | None = None

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.http.close()

    def get(self, path: str, **kw) -> httpx.Response:
        response = self.http.get(path, **kw)
        if found := CSRF.search(response.text):
            self.csrf = found[1]
        return response

    def login(self, nama: str, sandi: str | None = None) -> httpx.Response:
        """Fill in the login form; returns the answer to the POST (303 when signed in)."""
        self.get("/masuk")
        sandi = ACCOUNTS[nama][2] if sandi is None else sandi
        response = self.http.post("/masuk", data={"csrf": self.csrf, "nama": nama, "sandi": sandi})
        if response.status_code == 303:
            self.get(response.headers["location"])  # the first page carries the session's CSRF token
        return response

    def post(
        self, path: str, data: dict | None = None, files=None, csrf: str | bool | None = True
    ) -> httpx.Response:
        """POST with the current page's CSRF token (`csrf=False`: without; a string: that token)."""
        data = dict(data or {})
        if csrf is True:
            data["csrf"] = self.csrf
        elif isinstance(csrf, str):
            data["csrf"] = csrf
        return self.http.post(path, data=data, files=files)

    def upload(self, kode: str, *files: tuple[str, bytes], ganti: bool = False) -> httpx.Response:
        """Send files through the district's form; follows to the receipts page. `ganti`: confirm
        every file held because its date has a file (as the office does with its button)."""
        sent = [("berkas", (name, data, "application/octet-stream")) for name, data in files]
        response = self.post(f"/kabupaten/{kode}/unggah", files=sent)
        if response.status_code != 303:
            return response
        page = self.get(response.headers["location"])
        if ganti:
            for held in re.findall(rf'action="(/kabupaten/{kode}/unggahan/\d+/ganti)"', page.text):
                assert self.post(held).status_code == 303
            page = self.get(response.headers["location"])
        return page


def csv_bytes(day: date, rows: list[str]) -> bytes:
    header = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam,sudah_cetak"
    return ("\n".join([header, *rows]) + "\n").encode()


def valid_report(day: date, codes: list[str] = LOMBOK_BARAT, base: int = 5_000, step: int = 50) -> bytes:
    """A valid report of Lombok Barat for `day`, continuing the world's figures (as day_file)."""
    n = (day - D1).days
    return csv_bytes(day, [row(day, k, 10_000 + 100 * i, base + i + step * n) for i, k in enumerate(codes)])


def check_processes_of(parent: int) -> set[int]:
    """The pids of the check processes (portal/check_process.py) a process has started."""
    return children_of(parent, b"portal.check_process")


def database_bytes(path: Path) -> bytes:
    """The bytes of an SQLite file and its WAL, read by another process: a test process that runs
    the portal keeps its SQLite connections, which lose their locks when any other descriptor of
    the file closes in that process (portal/db.py `keep`)."""
    present = [str(p) for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return subprocess.run(["cat", *present], capture_output=True, check=True).stdout


def add_account(path: Path, settings: Settings, nama: str, peran: str, kode: str | None, sandi: str) -> None:
    """An account in the portal database at `path`, for the scope of `settings` and its password
    hashed at their cost (the tests' least: tests/argon2_cost.py)."""
    accounts.add(
        path, nama, peran, kode, sandi, regions.load(settings.provinsi), hasher=accounts.hasher(settings)
    )
