"""What every request of one portal shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from contract.settings import Settings
from portal.checker import Checker
from portal.gate import Gate
from portal.laporan_sesuai import Pembuat


@dataclass
class Portal:
    """The settings, the portal database, the staging folder and the warm checker."""

    settings: Settings
    db: Path
    staging: Path
    checker: Checker
    nightly_api: str | None  # the Prefect API of `ektp serve`: the nightly button; None hides it
    kabupaten: dict[str, str]  # code -> name, the districts in scope
    gate: Gate = field(default_factory=Gate)  # password hashes at once
    laporan: Pembuat = field(default_factory=Pembuat)  # the daily report of any date, on demand
