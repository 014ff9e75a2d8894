"""One typed settings object: defaults, then the environment (EKTP_*), then command-line flags.

Built once by the CLI (or the portal) and passed on as a parameter: to the flows, to the served
deployments as their default parameters. Nothing reads EKTP_* anywhere else. One variable is the
process's rather than a run's, and is read where it applies: EKTP_DUCKDB_THREADS (`duckdb_threads`).
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import AwareDatetime, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from contract.dates import DEFAULT_TARGET, today_wita
from contract.errors import UsageError

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"  # git-ignored: every generated file lives under it


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EKTP_", frozen=True, extra="ignore")

    landing: Path = DATA_DIR / "landing"
    warehouse: Path = DATA_DIR / "warehouse.duckdb"
    # "52" (NTB), a comma list of province codes, or "all" for every province of Indonesia.
    provinsi: str = "52"
    target: date = DEFAULT_TARGET
    # A file modified this recently may still be being written by the uploader: next run.
    min_age_seconds: int = Field(60, ge=0)
    # Only tests and replays pin "today"; otherwise it is the clock in Asia/Makassar.
    today: date | None = None
    # The run's clock, pinned only by the demo and replays (`ektp demo` runs each simulated night
    # at its own 02:00 WITA): a run started under it takes its id, the migrations it applies and its
    # decisions' moment (`diproses_pada`, `berlaku_sejak`) from it. Otherwise the system clock.
    now: AwareDatetime | None = None
    report_dir: Path | None = None
    # Files per Prefect parse task: task overhead is per batch, never per file or row.
    batch_files: int = Field(2000, ge=1)
    runner: str = "local"
    notify_url: str | None = None
    # `ektp serve` without PREFECT_API_URL starts its own Prefect server on 127.0.0.1 here.
    prefect_port: int = Field(4200, ge=1, le=65535)
    # How long a run or `ektp serve` waits for a configured Prefect server (PREFECT_API_URL) to
    # answer before it stops with one line naming it: a server started at the same moment (a
    # machine's boot) needs a few seconds; a wrong address needs none.
    prefect_timeout_seconds: float = Field(10.0, gt=0)
    # Tracebacks for errors the program expects are shown only when asked.
    debug: bool = False
    # The district portal (`ektp portal`, and beside the schedule under `ektp serve`).
    portal_host: str = "127.0.0.1"
    portal_port: int = Field(8080, ge=1, le=65535)
    # Its own state (accounts, sessions, upload log): never the warehouse, which runs replace.
    portal_db: Path | None = None
    # Largest file the portal takes; the contract's own limit (20 MB) still applies to any file.
    upload_max_bytes: int = Field(5 * 1024 * 1024, ge=1)
    # Each office's share per WITA day (files the portal took, and their bytes): some twenty times
    # what a busy office sends, so only a runaway client or an attacker ever meets it.
    upload_daily_files: int = Field(100, ge=1)
    upload_daily_bytes: int = Field(100 * 1024 * 1024, ge=1)
    # The Secure flag on the portal's cookies: on when it is served over HTTPS (a proxy in front).
    secure_cookies: bool = False
    # The cost of each password's argon2id hash: RFC 9106's low-memory choice. The portal's gate
    # (portal/gate.py) bounds how many run at once. Lowered only by the tests (tests/argon2_cost.py);
    # a portal below OWASP's least (19 MiB, two passes) says so when it starts.
    argon2_memory_kib: int = Field(64 * 1024, ge=8)
    argon2_time_cost: int = Field(3, ge=1)
    argon2_parallelism: int = Field(4, ge=1, le=64)
    # Reminders and the digest (`ektp pengingat`, CONTRACT §3): the mail server, the webhook, and
    # the portal address the messages link to. No host: no e-mail is tried.
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = "ektp@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = Field(20.0, gt=0)
    pengingat_url: str | None = None
    portal_url: str | None = None
    # When the day's reminders go out (HH:MM, Asia/Makassar): `ektp serve` schedules its
    # `pengingat` deployment every day at this time.
    jam_pengingat: str = Field("20:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")

    @classmethod
    def load(cls, **flags: Any) -> Settings:
        """Defaults, then EKTP_* of the environment, then the flags that were given (None: not given)."""
        duckdb_threads()  # the process's own setting: refused at a command's start, not mid-run
        try:
            return cls(**{k: v for k, v in flags.items() if v is not None})
        except ValidationError as exc:
            raise UsageError(_one_line(exc)) from None

    def with_flags(self, **flags: object) -> Settings:
        """These settings with the flags that were given (None means 'not given')."""
        given = {k: v for k, v in flags.items() if v is not None}
        try:
            return type(self)(**{**self.model_dump(), **given})
        except ValidationError as exc:
            raise UsageError(_one_line(exc)) from None

    def resolved(self) -> Settings:
        """The same settings with "today" fixed, so a run that crosses midnight keeps one date."""
        return self if self.today else self.with_flags(today=today_wita())

    @property
    def hari_ini(self) -> date:
        return self.today or today_wita()

    def not_after_today(self, tanggal: date, what: str = "tanggal") -> date:
        """`tanggal`, refused when it is after today (WITA): no report, run or action is for a day
        that has not come (a year mistyped, 2062 for 2026, once wrote a report "per 1 Januari 2062")."""
        if tanggal > self.hari_ini:
            raise UsageError(f"{what} {tanggal} sesudah hari ini ({self.hari_ini}, WITA)")
        return tanggal

    @property
    def kemarin(self) -> date:
        return self.hari_ini - timedelta(days=1)

    @property
    def out_dir(self) -> Path:
        return self.warehouse.parent

    @property
    def reports(self) -> Path:
        return self.report_dir or self.out_dir / "laporan"

    @property
    def receipts(self) -> Path:
        return self.out_dir / "tanda_terima"

    @property
    def data_docs(self) -> Path:
        return self.out_dir / "data_docs"

    @property
    def portal_database(self) -> Path:
        """The portal's SQLite file: EKTP_PORTAL_DB, or portal.sqlite beside the warehouse."""
        return self.portal_db or self.out_dir / "portal.sqlite"

    @property
    def report_provinsi(self) -> str | None:
        """The province the daily report covers: the scope's one province, or None (all of them)."""
        codes = [c.strip() for c in self.provinsi.split(",") if c.strip()]
        return codes[0] if len(codes) == 1 and codes[0].lower() != "all" else None


_WHAT = {
    "int_parsing": "harus bilangan bulat",
    "date_from_datetime_parsing": "harus tanggal YYYY-MM-DD",
    "date_parsing": "harus tanggal YYYY-MM-DD",
    "bool_parsing": "harus 1/0, true/false",
}


DUCKDB_THREADS = "EKTP_DUCKDB_THREADS"


def duckdb_threads() -> int | None:
    """EKTP_DUCKDB_THREADS: the threads of each DuckDB this process makes (warehouse.db.connect);
    None, unset: DuckDB's own choice, every core. A property of the process, not of a run: the
    readers' and the catalog's DuckDBs are made once per process, so it is read where a DuckDB is
    made, not passed. Worth setting where processes share few cores (the test suite's workers): a
    statement over a small table then spends less on coordinating threads than it would gain."""
    value = os.environ.get(DUCKDB_THREADS, "").strip()
    if not value:
        return None
    try:
        threads = int(value)
    except ValueError:
        raise UsageError(f"{DUCKDB_THREADS} harus bilangan bulat, bukan {value!r}") from None
    if threads < 1:
        raise UsageError(f"{DUCKDB_THREADS} harus >= 1, bukan {value!r}")
    return threads


def _one_line(exc: ValidationError) -> str:
    """The first bad setting as one Indonesian line naming its variable and value."""
    error = exc.errors()[0]
    name = f"EKTP_{str(error['loc'][0]).upper()}"
    ctx = error.get("ctx") or {}
    if "ge" in ctx:
        what = f"harus >= {ctx['ge']}"
    elif "le" in ctx:
        what = f"harus <= {ctx['le']}"
    else:
        what = _WHAT.get(error["type"], error["msg"])
    return f"{name} {what}, bukan {error['input']!r}"
