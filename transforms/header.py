"""The header row of an upload: where it is among the first lines, which cell holds which
canonical column (kolom_hilang, kolom_ganda), and the file's own header of each column, which a
receipt shows beside the canonical name (issue #21 item 8)."""

from __future__ import annotations

import functools
from collections.abc import Sequence

from contract import rules
from contract.columns import (
    MAX_TITLE_LINES,
    REQUIRED_COLUMNS,
    canonical_column,
    count_known_columns,
    resembling,
)
from contract.formats import visible
from landing.records import Records


def find_header_row(records: Records) -> int | None:
    """One position (or None) per upload: the record among the first 11 naming the most columns."""
    scores = [count_known_columns(cells) for _, cells in records[: MAX_TITLE_LINES + 1]]
    best = max(scores, default=0)
    # Two known names make a header; one alone may be a title word such as "Kecamatan".
    return scores.index(best) if best >= 2 else None


# The file's own header of each column it spells otherwise: (canonical, header as shown) pairs.
Headers = tuple[tuple[str, str], ...]
# A header is uploaded text: shown escaped and at most this long (a header that still matches may
# be padded with thousands of separators: `Sudah____...____Rekam`).
HEADER_SHOWN = 60


def header_text(text: str) -> str:
    """A header cell as a person is shown it: its hidden characters escaped (contract.formats
    .visible: `Sudah\\xa0Rekam`, `\\u202e`), cut to HEADER_SHOWN characters with `…`. Idempotent."""
    shown = visible(text.strip())
    return shown if len(shown) <= HEADER_SHOWN else shown[: HEADER_SHOWN - 1] + "…"


def map_columns(header: Sequence[str | None], line: int) -> tuple[dict[str, int], list[dict], Headers]:
    """One cell position per canonical column of the header row, column-level findings, and the
    file's own header of each column used whose header is not its canonical name."""
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
            near = resembling(canonical, [str(text) for text in header if text is not None])
            pesan = (
                rules.message("kolom_hilang", "mirip", kolom=canonical, nama=header_text(near))
                if near is not None
                else rules.message("kolom_hilang", "kolom", kolom=canonical)
            )
            findings.append(rules.finding("kolom_hilang", pesan, line, kolom=canonical))
    # A doubled column is used by no row (the file is rejected); its finding names both headers.
    own = tuple(
        (canonical, header_text(hits[0][1]))
        for canonical, hits in seen.items()
        if hits[0][1] != canonical and (len(hits) == 1 or canonical == "nama_kecamatan")
    )
    return {canonical: hits[0][0] for canonical, hits in seen.items()}, findings, _interned(own)


@functools.lru_cache(maxsize=4096)
def _interned(headers: Headers) -> Headers:
    """One shared tuple per distinct set of headers: a district sends the same template every day,
    and a run holds its uploads' headers until their receipts (23,000 files a national backfill)."""
    return headers
