"""The warehouse's SQL models and the one parser of their headers (as dbt's `config()` and `ref()`).

Each file under warehouse/sql/marts/, asof/ and queries/ opens with a comment block that says what
it is, and declares, one field a line (docs/gudang-data.md, "Model headers"):

    -- key: kode_kabupaten, tanggal        the columns that identify a row (unique, never null)
    -- reads: progres_kecamatan, unggahan  every relation its SQL reads (stored or registered)
    -- refresh: by_kabupaten_tanggal       marts: which rows a run recomputes (REFRESH)
    -- partition: tanggal, kode_kabupaten  marts: the row order inside each monthly Parquet file
    -- comment: Satu baris per ...        marts: what analysts read in the catalog (COMMENT ON)
    -- journal: riwayat_progres_kabupaten marts, optional: every version of its rows kept there
    -- column tanggal: Tanggal laporan.   marts: one line per column, its COMMENT ON COLUMN

A field's value may go on over the next comment lines while it ends with a comma; a comment's or
a column's text goes on over the next comment lines indented by two spaces or more (`--   ...`).
The declaration is checked against the SQL when the file is read: what it reads must be what its
SQL names after `from` and `join` (comments and its own CTEs left out), so the header cannot drift
from the code. The comment and the columns' descriptions reach the catalog (warehouse.komentar).
Mart order, partitioning, the rows a run replaces and the as-of macros are all taken from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from graphlib import TopologicalSorter

from warehouse.read import SQL, sql

KINDS = ("marts", "asof", "queries")
CHANGES = "perubahan_mart"  # what a mart's SQL reads its kabupaten and dates from (warehouse.marts)
# The one row of the dates the marts' spines run between, which a mart's SQL reads instead of
# finding them in the whole history (warehouse.marts.keep_bounds, queries/rentang_mart.sql).
BOUNDS = "rentang_mart"
GIVEN = frozenset({CHANGES, BOUNDS})  # what a mart's SQL reads that its caller provides
# How a run brings a mart up to date, given perubahan_mart (kode_kabupaten, dari):
REFRESH = (
    "by_kabupaten_tanggal",  # the rows of each kabupaten named, dated on or after its dari
    "by_provinsi_tanggal",  # the rows of each province of a kabupaten named, from its earliest dari
    "by_kabupaten",  # every row of each kabupaten named
    "full",  # every row: the mart is rebuilt whole on every run
)
_REQUIRED = {
    "marts": {"key", "reads", "refresh", "partition", "comment"},
    "asof": {"reads"},
    "queries": {"reads"},
}
_FIELDS = {"key", "reads", "refresh", "partition", "comment", "journal"}
# The refresh a journaled mart may have: the journal compares the rows a run recomputed, which for
# it are those of each kabupaten named from its `dari` (warehouse.marts.catat_jurnal).
JOURNALED_REFRESH = "by_kabupaten_tanggal"
_FIELD = re.compile(r"^--\s*([a-z_]+):\s*(.*?)\s*$")
# The analysts' description of one column (Indonesian, the definition): `-- column nama: text`.
_COLUMN = re.compile(r"^--\s*(column\s+[a-z_][a-z0-9_]*):\s*(.*?)\s*$")
# A comment's or a column's text goes on over the next lines indented under it.
_GOES_ON = re.compile(r"^--\s{2,}(\S.*?)\s*$")
_TEXTS = ("comment", "column ")  # fields whose value is prose, not names
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# A string literal (kept whole: it may hold `--`) or a comment.
_STRING_OR_COMMENT = re.compile(r"('(?:[^']|'')*')|--[^\n]*")
# A relation after from/join; when it is a table function or macro (a call), its first argument
# when that is a name.
_REFERENCE = re.compile(
    r"\b(?:from|join)\s+([a-z_][a-z0-9_]*)(\s*\(\s*(?:([a-z_][a-z0-9_]*)\s*[,)])?)?", re.IGNORECASE
)
_CTE = re.compile(
    r"(?:^|\bwith\b|,)\s*([a-z_][a-z0-9_]*)\s+as\s*(?:(?:not\s+)?materialized\s*)?\(",
    re.IGNORECASE | re.MULTILINE,
)


class ModelError(Exception):
    """A model file whose header is missing, malformed or says something its SQL does not: a bug
    of the tree, not of the data (a test reads every file)."""


@dataclass(frozen=True)
class Model:
    kind: str  # marts | asof | queries
    name: str
    key: tuple[str, ...]  # () when the rows have none (a query of one row, the findings)
    reads: frozenset[str]
    refresh: str | None  # marts only
    partition: tuple[str, ...]  # marts only
    code: str = field(repr=False)  # the SQL without its comments
    comment: str = ""  # marts: the relation's description in the catalog (Indonesian, one line)
    columns: tuple[tuple[str, str], ...] = ()  # marts: (column, its description), as declared
    journal: str | None = None  # marts: the table every version of its rows is kept in, if any

    @property
    def path(self) -> str:
        return f"{self.kind}/{self.name}"


def strip_comments(text: str) -> str:
    """The SQL without its `--` comments (string literals kept as they are)."""
    return _STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", text)


def reads(code: str) -> set[str]:
    """Every relation the SQL reads (not its CTEs): a name after from/join, or the first argument of
    a table function or macro there (`from laporan_terakhir(laporan, $tanggal)` reads `laporan`).

    A name is a CTE only after that CTE's body: inside it, as in `unggahan as (select ... from
    unggahan)`, it is the stored relation (SQL's scoping, and the house's import CTEs)."""
    defined = _cte_ends(code)
    found = set()
    for match in _REFERENCE.finditer(code):
        relation, call, argument = match.groups()
        name = argument if call else relation
        if name and not any(end < match.start() for end in defined.get(name.lower(), ())):
            found.add(name.lower())
    return found


def ctes(code: str) -> set[str]:
    """The names of the CTEs the SQL defines."""
    return set(_cte_ends(code))


def _cte_ends(code: str) -> dict[str, list[int]]:
    """Each CTE's name, and where its body ends (its closing parenthesis; the end of the text when
    it has none)."""
    found: dict[str, list[int]] = {}
    for match in _CTE.finditer(code):
        at = closing(code, match.end() - 1)
        found.setdefault(match.group(1).lower(), []).append(len(code) - 1 if at is None else at)
    return found


def closing(code: str, opening: int) -> int | None:
    """Where the parenthesis opened at `opening` closes; None when it never does."""
    depth = 0
    for at in range(opening, len(code)):
        depth += {"(": 1, ")": -1}.get(code[at], 0)
        if depth == 0:
            return at
    return None


def header(text: str) -> dict[str, str]:
    """The `-- field: value` lines of the comment block a file opens with (a column's description
    under `column <name>`)."""
    fields: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            if stripped:
                break
            continue
        prose = current is not None and current.startswith(_TEXTS)
        if current is not None and not prose and fields[current].endswith(","):
            fields[current] += " " + stripped.removeprefix("--").strip()
            continue
        if current is not None and prose and (more := _GOES_ON.match(stripped)):
            fields[current] += " " + more.group(1)
            continue
        current = None
        column = _COLUMN.match(stripped)
        if column:
            current = " ".join(column.group(1).split())
            if current in fields:
                raise ModelError(f"{current!r} declared twice")
            fields[current] = column.group(2)
            continue
        match = _FIELD.match(stripped)
        if match and match.group(1) in _FIELDS:
            current = match.group(1)
            if current in fields:
                raise ModelError(f"field {current!r} declared twice")
            fields[current] = match.group(2)
    return fields


def _names(value: str) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in value.split(",") if n.strip())
    if bad := [n for n in names if not _IDENTIFIER.match(n)]:
        raise ModelError(f"not a column or relation name: {bad}")
    return names


@cache
def model(kind: str, name: str) -> Model:
    """The model `kind/name`, its header read and checked against its SQL."""
    text = sql(f"{kind}/{name}")
    try:
        if not _IDENTIFIER.match(name):
            raise ModelError("a model's file name is its relation's name: lower case, digits, _")
        fields = header(text)
        if missing := _REQUIRED[kind] - fields.keys():
            raise ModelError(f"header lacks {sorted(missing)}")
        described = {f for f in fields if f.startswith(_TEXTS)}
        if kind != "marts" and (extra := fields.keys() & {"refresh", "partition", "journal"} | described):
            raise ModelError(f"{sorted(extra)} belong to marts only")
        refresh = fields.get("refresh")
        if refresh is not None and refresh not in REFRESH:
            raise ModelError(f"refresh {refresh!r} is none of {REFRESH}")
        journal = _journal(fields, refresh)
        code = strip_comments(text)
        declared = frozenset(_names(fields["reads"]))
        actual = reads(code) - (GIVEN if kind == "marts" else set())
        if declared != actual:
            raise ModelError(
                f"reads declares {sorted(declared)}, its SQL reads {sorted(actual)}"
                f" (missing {sorted(actual - declared)}, extra {sorted(declared - actual)})"
            )
    except ModelError as exc:
        raise ModelError(f"warehouse/sql/{kind}/{name}.sql: {exc}") from None
    return Model(
        kind=kind,
        name=name,
        key=_names(fields.get("key", "")),
        reads=declared,
        refresh=refresh,
        partition=_names(fields.get("partition", "")),
        code=code,
        comment=fields.get("comment", ""),
        columns=tuple((f.split()[1], v) for f, v in fields.items() if f.startswith("column ")),
        journal=journal,
    )


def _journal(fields: dict[str, str], refresh: str | None) -> str | None:
    """The journal table a mart declares, checked: one name, and a refresh whose rows it can compare."""
    if "journal" not in fields:
        return None
    named = _names(fields["journal"])
    if len(named) != 1:
        raise ModelError(f"journal names one table, not {list(named)}")
    if refresh != JOURNALED_REFRESH:
        raise ModelError(f"a journaled mart is refreshed {JOURNALED_REFRESH}, not {refresh}")
    return named[0]


@cache
def names(kind: str) -> tuple[str, ...]:
    """The models of one kind, by name."""
    return tuple(sorted(p.stem for p in (SQL / kind).glob("*.sql")))


def every(kind: str) -> list[Model]:
    return [model(kind, n) for n in names(kind)]


def order(models: Iterable[Model]) -> list[str]:
    """The models' names, each after the others it reads (as dbt orders by `ref()`)."""
    among = {m.name: m for m in models}
    return list(TopologicalSorter({n: m.reads & among.keys() - {n} for n, m in among.items()}).static_order())
