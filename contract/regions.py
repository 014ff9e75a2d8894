"""The Kemendagri region lists shipped in contract/seeds (see its SOURCE.md), cut to the provinces
in scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from contract.errors import UsageError
from contract.formats import visible

SEEDS = Path(__file__).resolve().parent / "seeds"


@cache
def seed(name: str) -> pl.DataFrame:
    """One seed table (provinsi, kabupaten, kecamatan), every column as text."""
    return pl.read_csv(SEEDS / f"{name}.csv", infer_schema=False)


def province_names() -> dict[str, str]:
    """Every province of Indonesia: its two-digit code and its name."""
    rows = seed("provinsi")
    return dict(zip(rows["kode_provinsi"].to_list(), rows["nama"].to_list(), strict=False))


@dataclass(frozen=True)
class Reference:
    """Kabupaten and kecamatan in scope; codes are digit strings."""

    kabupaten: pl.DataFrame  # kode_kabupaten, kode_provinsi, nama
    kecamatan: pl.DataFrame  # kode_kecamatan, kode_kabupaten, nama
    scope: str = "52"  # canonical (see canonical())

    @property
    def kabupaten_codes(self) -> frozenset[str]:
        return frozenset(self.kabupaten["kode_kabupaten"].to_list())

    @property
    def kabupaten_codes_sorted(self) -> list[str]:
        return sorted(self.kabupaten_codes)

    def chosen(self, codes: Iterable[str | int]) -> list[str]:
        """The kabupaten codes a caller named (a command's `--kabupaten`, a deployment's parameter),
        stripped, once each, sorted; a UsageError naming those out of scope, written as typed
        (hidden characters escaped). Nothing named: an empty list (the caller's default applies)."""
        named = sorted({str(k).strip() for k in codes if str(k).strip()})
        if unknown := [k for k in named if k not in self.kabupaten_codes]:
            raise UsageError(f"kabupaten di luar cakupan: {', '.join(visible(k) for k in unknown)}")
        return named


def canonical(provinsi: str) -> str:
    """One spelling per scope: `all`, or the province codes sorted and comma-joined (`52,53`);
    a UsageError for a code that is not a province."""
    if provinsi.strip().lower() == "all":
        return "all"
    wanted = sorted({p.strip() for p in provinsi.split(",") if p.strip()})
    unknown = [p for p in wanted if p not in province_names()]
    if unknown or not wanted:
        raise UsageError(
            f"kode provinsi tidak dikenal: {', '.join(unknown) or provinsi!r}"
            " (gunakan kode dua digit, mis. 52, atau 'all')"
        )
    return "all" if len(wanted) == len(province_names()) else ",".join(wanted)


@cache
def load(provinsi: str = "52") -> Reference:
    """Reference rows for `provinsi`: one code, a comma list, or 'all'."""
    scope = canonical(provinsi)
    kabupaten = seed("kabupaten")
    if scope != "all":
        kabupaten = kabupaten.filter(pl.col("kode_provinsi").is_in(scope.split(",")))
    kecamatan = seed("kecamatan").join(kabupaten.select("kode_kabupaten"), on="kode_kabupaten", how="semi")
    return Reference(kabupaten=kabupaten, kecamatan=kecamatan, scope=scope)
