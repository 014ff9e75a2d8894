"""Read one day's report content from the warehouse's CONTRACT §4 relations."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from contract.errors import ReportError
from contract.regions import province_names
from reports.forecast import WINDOW_DAYS, Day, Forecast, forecast
from warehouse.read import Row, connect, rows

TOP_KECAMATAN = 10


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
        raise ReportError("gudang data belum berisi laporan yang dimuat", warehouse=warehouse, provinsi=provinsi)
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
    """Districts ranked by belum_rekam, each with its forecast."""
    window = rows(con, "riwayat_kabupaten", dari=tanggal - timedelta(days=WINDOW_DAYS), tanggal=tanggal, provinsi=provinsi)
    by_district: dict[str, list[Row]] = defaultdict(list)
    for point in window:
        by_district[point["kode_kabupaten"]].append(point)
    return [
        {**k, "prakiraan": forecast(series(by_district[k["kode_kabupaten"]]), tanggal, target)}
        for k in rows(con, "kabupaten", tanggal=tanggal, provinsi=provinsi)
    ]


def reasons_as_text(row: Row) -> Row:
    """`alasan` as one string, whether the warehouse stores text or a list of reasons."""
    alasan = row["alasan"]
    if isinstance(alasan, list | tuple):
        alasan = "\n".join(str(a) for a in alasan)
    return {**row, "alasan": alasan or ""}


def load(warehouse: Path, tanggal: date, target: date, provinsi: str | None = None) -> Laporan:
    """Read the report for `tanggal` from the warehouse file: for province `provinsi`, or for
    every province the warehouse covers (the nation, at national scope) when it is None."""
    with connect(warehouse) as con:
        wilayah, tingkat = scope(con, provinsi)
        riwayat = rows(con, "riwayat_provinsi", tanggal=tanggal, provinsi=provinsi)
        headline = province(con, riwayat, tanggal, warehouse, provinsi)
        return Laporan(
            tanggal=tanggal,
            target=target,
            provinsi=headline,
            prakiraan_provinsi=forecast(series(riwayat), tanggal, target),
            riwayat=riwayat,
            kabupaten=districts(con, tanggal, target, provinsi),
            kecamatan_terbanyak=rows(con, "kecamatan_terbanyak", tanggal=tanggal, batas=TOP_KECAMATAN, provinsi=provinsi),
            kabupaten_tidak_lapor=rows(con, "kabupaten_tidak_lapor", tanggal=tanggal, provinsi=provinsi),
            kecamatan_tidak_lapor=rows(con, "kecamatan_tidak_lapor", tanggal=tanggal, provinsi=provinsi),
            berkas_ditolak=[reasons_as_text(r) for r in rows(con, "berkas_ditolak", tanggal=tanggal, provinsi=provinsi)],
            peringatan=rows(con, "peringatan", tanggal=tanggal, provinsi=provinsi),
            asal=rows(con, "asal_data")[0],
            wilayah=wilayah,
            tingkat=tingkat,
        )
