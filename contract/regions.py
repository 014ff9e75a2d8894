"""The Kemendagri region lists shipped in contract/seeds (see its SOURCE.md), cut to the provinces in scope."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from contract.errors import UsageError

SEEDS = Path(__file__).resolve().parent / "seeds"


@cache
def seed(name: str) -> pl.DataFrame:
    """One seed table (provinsi, kabupaten, kecamatan), every column as text."""
    return pl.read_csv(SEEDS / f"{name}.csv", infer_schema=False)


def province_names() -> dict[str, str]:
    """Every province of Indonesia: its two-digit code and its name."""
    rows = seed("provinsi")
    return dict(zip(rows["kode_provinsi"].to_list(), rows["nama"].to_list()))


@dataclass(frozen=True)
class Reference:
    """Kabupaten and kecamatan in scope; codes are digit strings."""

    kabupaten: pl.DataFrame  # kode_kabupaten, kode_provinsi, nama
    kecamatan: pl.DataFrame  # kode_kecamatan, kode_kabupaten, nama

    @property
    def kabupaten_codes(self) -> frozenset[str]:
        return frozenset(self.kabupaten["kode_kabupaten"].to_list())


@cache
def load(provinsi: str = "52") -> Reference:
    """Reference rows for `provinsi`: one code, a comma list, or 'all'."""
    kabupaten = seed("kabupaten")
    if provinsi.strip().lower() != "all":
        wanted = [p.strip() for p in provinsi.split(",") if p.strip()]
        known = province_names().keys()
        unknown = [p for p in wanted if p not in known]
        if unknown or not wanted:
            raise UsageError(
                f"kode provinsi tidak dikenal: {', '.join(unknown) or provinsi!r}"
                " (gunakan kode dua digit, mis. 52, atau 'all')"
            )
        kabupaten = kabupaten.filter(pl.col("kode_provinsi").is_in(wanted))
    kecamatan = seed("kecamatan").join(
        kabupaten.select("kode_kabupaten"), on="kode_kabupaten", how="semi"
    )
    return Reference(kabupaten=kabupaten, kecamatan=kecamatan)
