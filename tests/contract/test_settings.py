"""Settings: defaults, then EKTP_* from the environment, then flags; a bad value is one line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contract.errors import UsageError
from contract.settings import DATA_DIR, DUCKDB_THREADS, Settings, duckdb_threads


def test_defaults_live_under_the_project_data_folder(monkeypatch):
    # nothing set: NTB, the 2018 target, data/landing and data/warehouse.duckdb
    for key in ("EKTP_LANDING", "EKTP_WAREHOUSE", "EKTP_PROVINSI", "EKTP_TARGET", "EKTP_TODAY"):
        monkeypatch.delenv(key, raising=False)
    s = Settings.load()
    assert (s.landing, s.warehouse, s.provinsi, s.target) == (
        DATA_DIR / "landing",
        DATA_DIR / "warehouse.duckdb",
        "52",
        date(2018, 6, 1),
    )
    assert s.receipts == DATA_DIR / "tanda_terima" and s.reports == DATA_DIR / "laporan"


def test_environment_then_flags(monkeypatch):
    # EKTP_* over the defaults, a given flag over EKTP_*, a flag left None changes nothing
    monkeypatch.setenv("EKTP_WAREHOUSE", "/srv/a.duckdb")
    monkeypatch.setenv("EKTP_BATCH_FILES", "50")
    s = Settings.load(warehouse=Path("/srv/b.duckdb"), provinsi=None)
    assert (s.warehouse, s.batch_files, s.provinsi) == (Path("/srv/b.duckdb"), 50, "52")


@pytest.mark.parametrize(
    ("key", "value", "line"),
    [
        ("EKTP_BATCH_FILES", "-1", "EKTP_BATCH_FILES harus >= 1, bukan '-1'"),
        ("EKTP_BATCH_FILES", "banyak", "EKTP_BATCH_FILES harus bilangan bulat, bukan 'banyak'"),
        ("EKTP_TARGET", "1 Juni", "EKTP_TARGET harus tanggal YYYY-MM-DD, bukan '1 Juni'"),
        ("EKTP_MIN_AGE_SECONDS", "-5", "EKTP_MIN_AGE_SECONDS harus >= 0, bukan '-5'"),
        ("EKTP_PREFECT_PORT", "70000", "EKTP_PREFECT_PORT harus <= 65535, bukan '70000'"),
        ("EKTP_DUCKDB_THREADS", "0", "EKTP_DUCKDB_THREADS harus >= 1, bukan '0'"),
        ("EKTP_DUCKDB_THREADS", "dua", "EKTP_DUCKDB_THREADS harus bilangan bulat, bukan 'dua'"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, key, value, line):
    # EKTP_BATCH_FILES=-1 used to decide nothing without a word
    monkeypatch.setenv(key, value)
    with pytest.raises(UsageError) as raised:
        Settings.load()
    assert str(raised.value) == line


def test_today_is_fixed_once_per_run(monkeypatch):
    # unpinned, "today" is the WITA clock; resolved() freezes it so a run crossing midnight keeps one date
    monkeypatch.delenv("EKTP_TODAY", raising=False)
    s = Settings.load()
    assert s.today is None and s.resolved().today == s.hari_ini
    pinned = Settings.load(today=date(2018, 4, 21))
    assert pinned.resolved() is pinned and pinned.kemarin == date(2018, 4, 20)


def test_report_covers_the_scope_province_or_all():
    # one province code: its report; several, or all: every province in the warehouse
    assert Settings(provinsi="52").report_provinsi == "52"
    assert Settings(provinsi=" 53 ").report_provinsi == "53"
    assert Settings(provinsi="all").report_provinsi is None
    assert Settings(provinsi="52,53").report_provinsi is None


def test_settings_travel_as_json_and_come_back_equal():
    # what `ektp serve` hands its deployments as the default `settings` parameter
    s = Settings.load(
        landing=Path("/srv/landing"), today=date(2018, 4, 21), notify_url="http://127.0.0.1:9/x"
    )
    assert Settings.model_validate(s.model_dump(mode="json")) == s


def test_a_date_after_today_is_refused_today_itself_is_not():
    settings = Settings(today=date(2026, 12, 7))
    assert settings.not_after_today(date(2026, 12, 7)) == date(2026, 12, 7)
    with pytest.raises(UsageError) as refused:
        settings.not_after_today(date(2062, 12, 7), "--date")
    assert refused.value.message == "--date 2062-12-07 sesudah hari ini (2026-12-07, WITA)"


@pytest.mark.parametrize(("value", "threads"), [("2", 2), (" 3 ", 3), ("", None)])
def test_duckdb_threads_are_the_process_s_setting(monkeypatch, value, threads):
    # Read where a DuckDB is made (warehouse.db.connect); unset or empty: DuckDB's own choice.
    monkeypatch.setenv(DUCKDB_THREADS, value)
    assert duckdb_threads() == threads
