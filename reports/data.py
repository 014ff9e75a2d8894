"""Read one day's report content from the warehouse's CONTRACT §4 relations: the headline (the
scope's figures, forecast and series) and every section of reports/sections.py."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import duckdb

from contract.errors import ReportError
from contract.regions import province_names
from reports import sections
from reports.forecast import province_forecast
from reports.laporan import Laporan
from reports.readers import Context, series
from warehouse import asof
from warehouse.read import Row, connect, rows


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


@contextmanager
def opened(warehouse: Path, known_on: datetime | str | None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse as it is, or as known on a moment (an aware time, or a run id)."""
    with connect(warehouse) if known_on is None else asof.connect_at(warehouse, known_on) as con:
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
        context = Context(con, tanggal, target, provinsi)
        bagian = {s.key: s.read(context) for s in sections.READ if s.read is not None}
        # The scope is done when its last district is done (reports/forecast.py, province_forecast).
        kabupaten = [k["prakiraan"] for k in bagian["kabupaten"]]
        return Laporan(
            tanggal=tanggal,
            target=target,
            provinsi=headline,
            prakiraan_provinsi=province_forecast(series(riwayat), kabupaten, tanggal, target),
            riwayat=riwayat,
            asal=asal,
            wilayah=wilayah,
            tingkat=tingkat,
            diketahui_pada=None if known_on is None else asof.known_on(con),
            bagian=bagian,
        )
