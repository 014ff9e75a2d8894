"""A reader of systemd unit files, for the checks that do not need systemd: sections, `Key=value`
lines, comments, continuation lines; every malformed line is an error naming its number."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SECTIONS = {
    "service": {"Unit", "Service", "Install"},
    "timer": {"Unit", "Timer", "Install"},
}
KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*")
BOOLEAN = {"yes", "no", "true", "false", "on", "off", "1", "0"}


@dataclass
class Unit:
    path: Path
    sections: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, section: str, key: str) -> str | None:
        """The last value of a key (systemd: a later assignment wins; an empty one resets)."""
        values = self.sections.get(section, {}).get(key)
        return values[-1] if values else None

    def all(self, section: str, key: str) -> list[str]:
        return self.sections.get(section, {}).get(key, [])


def parse(path: Path) -> Unit:
    unit = Unit(path)
    kind = path.suffix.lstrip(".")
    allowed = SECTIONS.get(kind)
    if allowed is None:
        unit.errors.append(f"{path.name}: unknown unit type {kind!r}")
        return unit
    section: str | None = None
    lines = path.read_text(encoding="utf-8").splitlines()
    number, pending = 0, ""
    for number, raw in enumerate(lines, start=1):
        line = pending + raw.strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            if not line.endswith("]") or line[1:-1] not in allowed:
                unit.errors.append(f"{path.name}:{number}: bad section {line!r}")
                section = None
                continue
            section = line[1:-1]
            unit.sections.setdefault(section, {})
            continue
        key, eq, value = line.partition("=")
        key = key.strip()
        if not eq or not KEY.fullmatch(key):
            unit.errors.append(f"{path.name}:{number}: not Key=value: {line!r}")
        elif section is None:
            unit.errors.append(f"{path.name}:{number}: {key} outside a section")
        else:
            unit.sections[section].setdefault(key, []).append(value.strip())
    if pending:
        unit.errors.append(f"{path.name}:{number}: continuation at the end of the file")
    return unit
