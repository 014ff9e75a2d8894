"""How a report section's rows are read from the warehouse: a query of warehouse/sql/queries/ with
the report's date and scope (`query`), or a reader that adds forecasts to what it reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from reports.forecast import (
    RANGE_DAYS,
    WINDOW_DAYS,
    Day,
    forecast,
    left_unrecorded,
    needed_pace,
    pace,
    value_on,
)
from warehouse.read import Row, rows


@dataclass(frozen=True)
class Context:
    """What a section's rows are read for: the open warehouse, the report's date, target and scope."""

    con: duckdb.DuckDBPyConnection
    tanggal: date
    target: date
    provinsi: str | None  # None: every province the warehouse covers


Reader = Callable[[Context], Any]


def query(name: str, shape: Callable[[Row], Row] | None = None, **params: Any) -> Reader:
    """A reader of warehouse/sql/queries/<name>.sql, given `$tanggal` and `$provinsi` and `params`
    (a value, or a function of the Context); `shape` rewrites each row."""

    def read(c: Context) -> list[Row]:
        given = {k: v(c) if callable(v) else v for k, v in params.items()}
        found = rows(c.con, name, tanggal=c.tanggal, provinsi=c.provinsi, **given)
        return found if shape is None else [shape(r) for r in found]

    return read


def days_before(days: int) -> Callable[[Context], date]:
    """A parameter: the report's date less `days`."""
    return lambda c: c.tanggal - timedelta(days=days)


def series(points: list[Row]) -> list[Day]:
    """Warehouse rows as a forecast series."""
    return [Day(p["tanggal"], p["sudah_rekam"], p["belum_rekam"]) for p in points]


def districts(c: Context) -> list[Row]:
    """Districts ranked by belum_rekam, each with its forecast and range."""
    window = rows(
        c.con,
        "riwayat_kabupaten",
        dari=c.tanggal - timedelta(days=RANGE_DAYS),
        tanggal=c.tanggal,
        provinsi=c.provinsi,
    )
    by_district: dict[str, list[Row]] = defaultdict(list)
    for point in window:
        by_district[point["kode_kabupaten"]].append(point)
    return [
        {**k, "prakiraan": forecast(series(by_district[k["kode_kabupaten"]]), c.tanggal, c.target)}
        for k in rows(c.con, "kabupaten", tanggal=c.tanggal, provinsi=c.provinsi)
    ]


def mobile_targets(
    con: duckdb.DuckDBPyConnection, tanggal: date, target: date, provinsi: str | None
) -> list[Row]:
    """Every kecamatan in scope ranked by what would still be unrecorded at the target at its pace
    (`forecast.left_unrecorded`); one with no report in the 7 days of its pace is flagged as having
    stopped reporting, and one that never reported comes last, without figures."""
    points: dict[str, list[Day]] = defaultdict(list)
    for p in rows(
        con, "laju_kecamatan", dari=tanggal - timedelta(days=WINDOW_DAYS), tanggal=tanggal, provinsi=provinsi
    ):
        points[p["kode_kecamatan"]].append(Day(p["tanggal"], p["sudah_rekam"], p["belum_rekam"]))
    ranked, never = [], []
    for k in rows(con, "kecamatan_cakupan", provinsi=provinsi):
        today = value_on(points[k["kode_kecamatan"]], tanggal)
        if today is None:
            never.append(
                {
                    **k,
                    "belum_rekam": None,
                    "laju": None,
                    "dibutuhkan": None,
                    "sisa_pada_target": None,
                    "terakhir_lapor": None,
                    "berhenti_lapor": False,
                }
            )
            continue
        stopped = today.tanggal <= tanggal - timedelta(days=WINDOW_DAYS)
        laju = None if stopped else pace(points[k["kode_kecamatan"]], tanggal)
        ranked.append(
            {
                **k,
                "belum_rekam": today.belum_rekam,
                "laju": laju,
                "dibutuhkan": needed_pace(today.belum_rekam, tanggal, target),
                "sisa_pada_target": left_unrecorded(today.belum_rekam, laju, tanggal, target),
                "terakhir_lapor": today.tanggal,
                "berhenti_lapor": stopped,
            }
        )
    ranked.sort(key=lambda r: (-r["sisa_pada_target"], -r["belum_rekam"], r["kode_kecamatan"]))
    return [{**r, "peringkat": i} for i, r in enumerate(ranked + never, start=1)]


def mobile(c: Context) -> tuple[Row, ...]:
    """The mobile-service priorities of the report's scope."""
    return tuple(mobile_targets(c.con, c.tanggal, c.target, c.provinsi))


def reasons_as_text(row: Row) -> Row:
    """`alasan` as one string, whether the warehouse stores text or a list of reasons."""
    alasan = row["alasan"]
    if isinstance(alasan, list | tuple):
        alasan = "\n".join(str(a) for a in alasan)
    return {**row, "alasan": alasan or ""}
