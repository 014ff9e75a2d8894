"""The report of one date as the page and the workbook show it (read by reports/data.py)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from reports.forecast import Forecast
from warehouse.read import Row

TOP_KELILING = 15  # kecamatan in the page's mobile-service table; the workbook has them all


@dataclass(frozen=True)
class Laporan:
    """Everything the HTML page and the workbook show for one date; each section's rows are
    `laporan.<key>` (reports/sections.py)."""

    tanggal: date
    target: date
    provinsi: Row
    prakiraan_provinsi: Forecast | None
    riwayat: list[Row]
    asal: Row
    wilayah: str = "Provinsi Nusa Tenggara Barat"  # the scope's name, for titles
    tingkat: str = "provinsi"  # "provinsi", or "nasional" for more than one province
    diketahui_pada: datetime | None = None  # rebuilt as known on this moment (`--as-known-on`)
    bagian: Mapping[str, Any] = field(default_factory=dict)  # section key -> its rows

    def __getattr__(self, name: str) -> Any:
        # Only for names not found otherwise; `bagian` itself is missing while unpickling.
        if name.startswith("__") or name == "bagian":
            raise AttributeError(name)
        try:
            return self.bagian[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def mutu_per(self) -> date | None:
        """The scorecard's date: D, or the last date any file was for when nobody sent one since."""
        mutu = self.bagian["mutu"]
        return mutu[0]["tanggal"] if mutu else None

    @property
    def prioritas_teratas(self) -> tuple[Row, ...]:
        """The page's mobile-service table."""
        return tuple(self.bagian["prioritas_keliling"][:TOP_KELILING])

    @property
    def jumlah_peringatan(self) -> int:
        """Warnings found in D's files, all rules together."""
        return sum(r["jumlah"] for r in self.bagian["peringatan"])

    @property
    def sisa_hari(self) -> int:
        """Days from D to the target."""
        return (self.target - self.tanggal).days
