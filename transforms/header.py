"""The header row of an upload: where it is among the first lines, and which cell holds which
canonical column (kolom_hilang, kolom_ganda)."""

from __future__ import annotations

from collections.abc import Sequence

from contract import rules
from contract.columns import MAX_TITLE_LINES, REQUIRED_COLUMNS, canonical_column, count_known_columns
from contract.formats import visible
from landing.records import Records


def find_header_row(records: Records) -> int | None:
    """One position (or None) per upload: the record among the first 11 naming the most columns."""
    scores = [count_known_columns(cells) for _, cells in records[: MAX_TITLE_LINES + 1]]
    best = max(scores, default=0)
    # Two known names make a header; one alone may be a title word such as "Kecamatan".
    return scores.index(best) if best >= 2 else None


def map_columns(header: Sequence[str | None], line: int) -> tuple[dict[str, int], list[dict]]:
    """One cell position per canonical column of the header row, plus column-level findings."""
    seen: dict[str, list[tuple[int, str]]] = {}
    for position, text in enumerate(header):
        canonical = canonical_column(text)
        if canonical:
            seen.setdefault(canonical, []).append((position, str(text).strip()))
    findings = []
    for canonical, hits in seen.items():
        if len(hits) > 1 and canonical != "nama_kecamatan":  # a repeated name column: first used
            names = " dan ".join(f'"{visible(text)}"' for _, text in hits)
            pesan = rules.message("kolom_ganda", "kolom", nama=names, kolom=canonical)
            findings.append(rules.finding("kolom_ganda", pesan, line, kolom=canonical, nilai=names))
    for canonical in REQUIRED_COLUMNS:
        if canonical not in seen:
            pesan = rules.message("kolom_hilang", "kolom", kolom=canonical)
            findings.append(rules.finding("kolom_hilang", pesan, line, kolom=canonical))
    return {canonical: hits[0][0] for canonical, hits in seen.items()}, findings
