"""Read one day's report content from the warehouse's CONTRACT §4 relations."""

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from contract.errors import ReportError
from contract.regions import province_names
from reports.forecast import (
    RANGE_DAYS,
    WINDOW_DAYS,
    Day,
    Forecast,
    forecast,
    left_unrecorded,
    needed_pace,
    pace,
    value_on,
)
from warehouse import asof
from warehouse.read import Row, connect, rows

TOP_KECAMATAN = 10
TOP_KELILING = 15  # kecamatan in the page's mobile-service table; the workbook has them all
MUTU_DAYS = 30  # days of the scorecard's daily series in the workbook


@dataclass(frozen=True)
class Laporan:
    """Everything the HTML page and the workbook show for one date."""

    tanggal: date
    target: date
    provinsi: Row
    prakiraan_provinsi: Forecast | None
    riwayat: list[Row]
    kabupaten: list[Row]  # each with a "prakiraan" Forecast (None when never reported)
    kecamatan_terbanyak: list[Row]
    kabupaten_tidak_lapor: list[Row]
    kecamatan_tidak_lapor: list[Row]
    berkas_ditolak: list[Row]
    peringatan: list[Row]
    asal: Row
    wilayah: str = "Provinsi Nusa Tenggara Barat"  # the scope's name, for titles
    tingkat: str = "provinsi"  # "provinsi", or "nasional" for more than one province
    prioritas_keliling: tuple[Row, ...] = ()  # every kecamatan, most left at the target first
    mutu: tuple[Row, ...] = ()  # each kabupaten's scorecard, lowest 30-day score first
    mutu_harian: tuple[Row, ...] = ()  # the scorecard's daily series, for the workbook
    diketahui_pada: datetime | None = None  # rebuilt as known on this moment (`--as-known-on`)

    @property
    def mutu_per(self) -> date | None:
        """The scorecard's date: D, or the last date any file was for when nobody sent one since."""
        return self.mutu[0]["tanggal"] if self.mutu else None

    @property
    def prioritas_teratas(self) -> tuple[Row, ...]:
        """The page's mobile-service table."""
        return self.prioritas_keliling[:TOP_KELILING]

    @property
    def jumlah_peringatan(self) -> int:
        """Warnings found in D's files, all rules together."""
        return sum(r["jumlah"] for r in self.peringatan)

    @property
    def sisa_hari(self) -> int:
        """Days from D to the target."""
        return (self.target - self.tanggal).days


def province(
    con: duckdb.DuckDBPyConnection, riwayat: list[Row], tanggal: date, warehouse: Path, provinsi: str | None
) -> Row:
    """The scope's row for D (the last of its series), or a ReportError naming the dates that do have data."""
    if riwayat and riwayat[-1]["tanggal"] == tanggal:
        return {**riwayat[-1], **rows(con, "kabupaten_total", provinsi=provinsi)[0]}
    span = rows(con, "rentang_tanggal", provinsi=provinsi)[0]
    if span["pertama"] is None:
        raise ReportError(
            "gudang data belum berisi laporan yang dimuat", warehouse=warehouse, provinsi=provinsi
        )
    raise ReportError(
        f"tidak ada data untuk {tanggal}: gudang data mencakup {span['pertama']} s.d. {span['terakhir']}",
        warehouse=warehouse,
    )


def scope(con: duckdb.DuckDBPyConnection, provinsi: str | None) -> tuple[str, str]:
    """(name, level) of the report's scope: one province, or every province the warehouse covers."""
    names = province_names()
    if provinsi is None:
        codes = [r["kode_provinsi"] for r in rows(con, "provinsi_cakupan")]
        if len(codes) != 1:
            if set(codes) >= set(names):
                return "Indonesia", "nasional"
            return f"{len(codes)} provinsi ({', '.join(names.get(c, c) for c in codes)})", "nasional"
        provinsi = codes[0]
    if provinsi not in names:
        raise ReportError(f"kode provinsi tidak dikenal: {provinsi!r}", provinsi=provinsi)
    return f"Provinsi {names[provinsi]}", "provinsi"


def series(points: list[Row]) -> list[Day]:
    """Warehouse rows as a forecast series."""
    return [Day(p["tanggal"], p["sudah_rekam"], p["belum_rekam"]) for p in points]


def districts(con: duckdb.DuckDBPyConnection, tanggal: date, target: date, provinsi: str | None) -> list[Row]:
    """Districts ranked by belum_rekam, each with its forecast and range."""
    window = rows(
        con,
        "riwayat_kabupaten",
        dari=tanggal - timedelta(days=RANGE_DAYS),
        tanggal=tanggal,
        provinsi=provinsi,
    )
    by_district: dict[str, list[Row]] = defaultdict(list)
    for point in window:
        by_district[point["kode_kabupaten"]].append(point)
    return [
        {**k, "prakiraan": forecast(series(by_district[k["kode_kabupaten"]]), tanggal, target)}
        for k in rows(con, "kabupaten", tanggal=tanggal, provinsi=provinsi)
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


def reasons_as_text(row: Row) -> Row:
    """`alasan` as one string, whether the warehouse stores text or a list of reasons."""
    alasan = row["alasan"]
    if isinstance(alasan, list | tuple):
        alasan = "\n".join(str(a) for a in alasan)
    return {**row, "alasan": alasan or ""}


@contextmanager
def opened(warehouse: Path, known_on: datetime | str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse as it is, or as known on a moment (an aware time, or a run id)."""
    with connect(warehouse) if known_on is None else asof.connect(warehouse, known_on) as con:
        yield con


def load(
    warehouse: Path,
    tanggal: date,
    target: date,
    provinsi: str | None = None,
    known_on: datetime | str | None = None,
) -> Laporan:
    """Read the report for `tanggal` from the warehouse file: for province `provinsi`, or for
    every province the warehouse covers (the nation, at national scope) when it is None; with
    `known_on`, from the figures as known on that moment (see warehouse.asof)."""
    with opened(warehouse, known_on) as con:
        wilayah, tingkat = scope(con, provinsi)
        riwayat = rows(con, "riwayat_provinsi", tanggal=tanggal, provinsi=provinsi)
        headline = province(con, riwayat, tanggal, warehouse, provinsi)
        asal = rows(con, "asal_data")[0]
        return Laporan(
            tanggal=tanggal,
            target=target,
            provinsi=headline,
            prakiraan_provinsi=forecast(series(riwayat), tanggal, target),
            riwayat=riwayat,
            kabupaten=districts(con, tanggal, target, provinsi),
            kecamatan_terbanyak=rows(
                con, "kecamatan_terbanyak", tanggal=tanggal, batas=TOP_KECAMATAN, provinsi=provinsi
            ),
            kabupaten_tidak_lapor=rows(con, "kabupaten_tidak_lapor", tanggal=tanggal, provinsi=provinsi),
            kecamatan_tidak_lapor=rows(con, "kecamatan_tidak_lapor", tanggal=tanggal, provinsi=provinsi),
            berkas_ditolak=[
                reasons_as_text(r) for r in rows(con, "berkas_ditolak", tanggal=tanggal, provinsi=provinsi)
            ],
            peringatan=rows(con, "peringatan", tanggal=tanggal, provinsi=provinsi),
            asal=asal,
            wilayah=wilayah,
            tingkat=tingkat,
            prioritas_keliling=tuple(mobile_targets(con, tanggal, target, provinsi)),
            mutu=tuple(rows(con, "mutu_kabupaten", tanggal=tanggal, provinsi=provinsi)),
            mutu_harian=tuple(
                rows(
                    con,
                    "mutu_harian",
                    dari=tanggal - timedelta(days=MUTU_DAYS - 1),
                    tanggal=tanggal,
                    provinsi=provinsi,
                )
            ),
            diketahui_pada=None if known_on is None else asof_time(known_on, asal),
        )


def asof_time(known_on: datetime | str, asal: Row) -> datetime:
    """The moment the report was rebuilt for: the time given, or the decision time of the run given,
    which is the latest `diproses_pada` of the ledger as known right after that run."""
    return known_on if isinstance(known_on, datetime) else asal["diproses_pada"]
