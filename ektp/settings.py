"""One typed settings object: defaults, then environment (EKTP_*), then command-line flags."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ektp.errors import UsageError

PROJECT_DIR = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_DIR / "data"
WITA = ZoneInfo("Asia/Makassar")


def today_wita() -> date:
    return datetime.now(WITA).date()


@dataclass(frozen=True)
class Settings:
    landing: Path = DATA_DIR / "landing"
    warehouse: Path = DATA_DIR / "warehouse.duckdb"
    # "52" (NTB), a comma list of province codes, or "all" for every province of Indonesia.
    provinsi: str = "52"
    target: date = date(2018, 6, 1)
    # A file modified this recently may still be being written by the uploader: next run.
    min_age_seconds: int = 60
    # Only tests and demos pin "today"; production uses the clock in Asia/Makassar.
    today: date = field(default_factory=today_wita)
    report_dir: Path | None = None
    # Rows per Prefect parse/validate task: task overhead is per batch, never per file or row.
    batch_files: int = 2000
    runner: str = "local"
    notify_url: str | None = None
    # `ektp serve` without PREFECT_API_URL starts its own Prefect server on 127.0.0.1 here.
    prefect_port: int = 4200

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
    def report_provinsi(self) -> str | None:
        """The province the daily report covers: the scope's one province, or None (all of them)."""
        codes = [c.strip() for c in self.provinsi.split(",") if c.strip()]
        return codes[0] if len(codes) == 1 and codes[0].lower() != "all" else None

    @property
    def yesterday(self) -> date:
        return self.today - timedelta(days=1)

    def with_flags(self, **flags: object) -> Settings:
        """Settings with the flags that were given (None means 'not given')."""
        given = {k: v for k, v in flags.items() if v is not None}
        return replace(self, **given)


def _parse_date(name: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{name} harus tanggal YYYY-MM-DD, bukan {value!r}") from None


def _parse_int(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{name} harus bilangan bulat, bukan {value!r}") from None


def from_env(env: dict[str, str] | None = None) -> Settings:
    """Settings from EKTP_* environment variables over the defaults."""
    env = dict(os.environ if env is None else env)
    s = Settings()
    values: dict[str, object] = {}
    if v := env.get("EKTP_LANDING"):
        values["landing"] = Path(v)
    if v := env.get("EKTP_WAREHOUSE"):
        values["warehouse"] = Path(v)
    if v := env.get("EKTP_PROVINSI"):
        values["provinsi"] = v
    if v := env.get("EKTP_TARGET"):
        values["target"] = _parse_date("EKTP_TARGET", v)
    if v := env.get("EKTP_MIN_AGE_SECONDS"):
        values["min_age_seconds"] = _parse_int("EKTP_MIN_AGE_SECONDS", v)
    if v := env.get("EKTP_TODAY"):
        values["today"] = _parse_date("EKTP_TODAY", v)
    if v := env.get("EKTP_BATCH_FILES"):
        values["batch_files"] = _parse_int("EKTP_BATCH_FILES", v)
    if v := env.get("EKTP_RUNNER"):
        values["runner"] = v
    if v := env.get("EKTP_NOTIFY_URL"):
        values["notify_url"] = v
    if v := env.get("EKTP_PREFECT_PORT"):
        values["prefect_port"] = _parse_int("EKTP_PREFECT_PORT", v)
    return replace(s, **values)
