"""Figures as known on a moment T: the warehouse's relations rebuilt from its journal.

The journal (`warehouse.journal`) keeps every version of every `unggahan` row, every finding and
the figures of every file version that was ever valid. From it, `warehouse/sql/asof/<name>.sql`
gives a stored table as it stood at T; the marts are then built from those by their own SQL,
unchanged. Two ways to use it:

- `connect(path, t)`: an in-memory connection where the warehouse is attached read-only and every
  such relation is replaced by its state at T, so that the report's unchanged queries read the
  figures as known on T (`ektp report --as-known-on`);
- table macros `<relation>_per(waktu)` stored in the warehouse for analysts, generated from the same
  SQL files (`statements`), e.g.
  `select * from progres_kabupaten_per(timestamptz '2018-04-13 03:00:00+08')`.
  DuckDB expands a macro inside its caller's CTE scope: no SQL here names a CTE like a stored relation.

A mart that keeps a journal of its own rows (its header's `journal:`, warehouse.journal.keep_mart)
is not rebuilt: as known on T it is the versions of its rows in force at T, a filter. Before its
journal began (a warehouse an earlier release wrote, `jurnal_mart.lengkap` false) it is rebuilt as
above; that rebuild is also stored as `<mart>_susun(waktu)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path

import duckdb

from contract.dates import WITA
from contract.errors import ReportError, WarehouseError
from contract.formats import waktu_detik
from warehouse import db, journal, macros, marts, models

JOURNAL_MIGRATION = 4  # 004_riwayat_keputusan: the journal starts when it was applied
RUN_ID = re.compile(r"(\d{8}T\d{6})Z-[0-9a-f]{6}")  # pipeline.runs.new_run_id: its start, UTC
MOMENT = "sebagaimana_diketahui"  # the as-of connection's one-row table: the moment it stands for
# A relation named after from/join (not a call: a table macro is given a CTE, never a relation).
_RELATION = re.compile(r"\b(from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()", re.IGNORECASE)
_CALL_ARGUMENT = re.compile(
    r"\b(?:from|join)\s+[a-z_][a-z0-9_]*\s*\(\s*([a-z_][a-z0-9_]*)\s*[,)]", re.IGNORECASE
)
# A mart's SQL ends by ordering its rows as the table stores them (`select * from final order by`).
STORAGE_ORDER = re.compile(r"(\bselect\s+\*\s+from\s+final)\s+order\s+by\s+[a-z0-9_,\s]+$", re.IGNORECASE)
NOT_MATERIALIZED = re.compile(r"\b([a-z_][a-z0-9_]*)\s+as\s+not\s+materialized\s*\(", re.IGNORECASE)


def tables() -> tuple[str, ...]:
    """The stored tables that change with the decisions, one file each under sql/asof/ (the
    reference, wilayah_*, does not change)."""
    return models.names("asof")


def names() -> list[str]:
    """Every relation that has a state at T: the journal-backed tables, then the marts."""
    return [*tables(), *marts.names()]


def model(name: str) -> models.Model:
    """The SQL that gives `name` at T, over the other relations at T."""
    return models.model("asof" if name in tables() else "marts", name)


def reads(name: str) -> set[str]:
    """The relations at T that `name`'s SQL reads; a table's own name there is the stored table."""
    return set(model(name).reads & set(names())) - {name}


@cache
def order() -> list[str]:
    """Every relation after the relations it reads."""
    return models.order(model(n) for n in names())


def tables_read() -> frozenset[str]:
    """Every stored relation that some relation at T reads (what the headers declare)."""
    return frozenset(r for n in names() for r in model(n).reads)


def journaled() -> dict[str, str]:
    """The marts that keep a journal of their rows -> that journal (their headers' `journal:`)."""
    return {m.name: m.journal for m in models.every("marts") if m.journal is not None}


def from_journal(name: str) -> str:
    """Journaled mart `name` as known on `$waktu`: its rows' versions in force then."""
    return (
        f"select * exclude ({journal.SEJAK}, {journal.SAMPAI}) from {journaled()[name]}"  # names: ours
        f" where {journal.SEJAK} <= $waktu and ({journal.SAMPAI} is null or $waktu < {journal.SAMPAI})"
    )


def statements(lengkap: Collection[str] = ()) -> list[str]:
    """The analysts' `<relation>_per(waktu)` macros, each after those it reads, and `<mart>_susun`
    for each journaled mart. `lengkap`: the journaled marts whose journal holds every state they
    had (`complete`): their `_per` reads only the journal; the others' rebuilds a moment before it."""
    found = []
    for name in order():
        if name not in journaled():
            found.append(macro(name))
            continue
        found.append(macro(name, REBUILT))
        found.append(_journal_macro(name, name in lengkap))
    return found


def complete(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The journaled marts of the current database whose journal began with its decisions."""
    return {mart for mart, (_, lengkap) in _starts(con).items() if lengkap}


def _starts(con: duckdb.DuckDBPyConnection, database: str | None = None) -> dict[str, tuple[datetime, bool]]:
    """Each journaled mart's journal: since when, and whether complete (`jurnal_mart` of `database`,
    the current one when None); none in a warehouse published before migration 012."""
    if journal.STARTS not in db.tables(con, database):
        return {}
    table = f"{database}.main.{journal.STARTS}" if database else journal.STARTS  # names: ours
    found = con.execute(f"select mart, sejak, lengkap from {table}").fetchall()
    return {mart: (sejak, lengkap) for mart, sejak, lengkap in found if mart in journaled()}


REBUILT = "_susun"  # the macro that rebuilds a journaled mart at T from the decisions' journal
_START = f"(select max(sejak) from {journal.STARTS} where mart = '{{name}}')"  # name: ours


def _journal_macro(name: str, lengkap: bool) -> str:
    """`<name>_per(waktu)` of a journaled mart: its journal's rows in force at T; when the journal
    began after the warehouse's first decision, `<name>_susun(waktu)` for a moment before it. The
    rebuild is given a moment before anything (no row) otherwise, as DuckDB plans both branches."""
    body = from_journal(name).replace("$waktu", "waktu")
    if not lengkap:
        start = _START.format(name=name)
        body = (
            f"{body} and waktu >= {start}\nunion all by name\n"
            f"select * from {name}{REBUILT}(case when waktu < coalesce({start}, 'infinity'::timestamptz)"
            " then waktu else '-infinity'::timestamptz end)"
        )
    return f"create or replace macro {name}_per(waktu) as table\n{body}"


def macro(name: str, suffix: str = "_per") -> str:
    """`create or replace macro <name>_per(waktu)`: `name` at T, reading the other relations at T
    (`suffix`: `_susun` for a journaled mart's rebuild)."""
    return _macro(name, suffix, model(name).code)


@cache
def _macro(name: str, suffix: str, code: str) -> str:
    """`macro`, once a process for each SQL text: every publication's catalog recipe names the
    macros (warehouse.katalog), and rewriting them cost ~27 ms of each small run's publication."""
    # A CTE named like a relation is refused: `from x` after it means the CTE, so the rewrite below
    # would change the SQL's meaning; and DuckDB expands a macro inside its caller's CTE scope, so
    # the macro of another relation reading table x would read the caller's CTE x instead.
    if clash := models.ctes(code) & (tables_read() | set(names())):
        raise WarehouseError(
            "CTE bernama seperti relasi gudang data; ganti namanya", sql=name, cte=sorted(clash)
        )
    reads_at_t = reads(name)
    # `from laporan_terakhir(x, ...)` cannot read x at T: the macro is given a CTE, never a relation.
    if passed := {a.lower() for a in _CALL_ARGUMENT.findall(code)} & reads_at_t:
        raise WarehouseError(
            "relasi gudang data diberikan langsung ke makro tabel; berikan CTE",
            sql=name,
            relasi=sorted(passed),
        )

    def at_t(match: re.Match[str]) -> str:
        keyword, relation = match.groups()
        return f"{keyword} {relation}_per(waktu)" if relation.lower() in reads_at_t else match.group(0)

    body = _RELATION.sub(at_t, _inlined(code)).replace("$waktu", "waktu")
    # At T every row is computed, from the first day (a constant of ours, as EVERYTHING's).
    body = body.replace(f"${marts.MULAI}", f"date '{marts.FIRST_DAY.isoformat()}'")
    # A mart's SQL computes the rows `perubahan_mart` names: at T, all of them.
    body = re.sub(rf"\b{marts.CHANGES}\b", marts.EVERYTHING, body)
    # ... between the spines' dates as known at T.
    body = _BOUNDS_READ.sub(lambda read: f"{read.group(1)} ({bounds_at_t()}) as {marts.BOUNDS}", body)
    # ... from FIRST_DAY, so what a mart reads only for the reports before `dari` is empty at T: the
    # stored relation's columns (the same as at T) and no row. Not its macro at T with no row: DuckDB
    # planned that macro's journal reads anyway, at each of its expansions (a mart's macro expands
    # the macros it reads as often as it reads them).
    for before in marts.BEFORE_DARI:
        body = body.replace(f"{before}_per(waktu)", f"(select * from {before} where false)")
    # Its rows in no order: the order a mart is stored in means nothing to the query that reads the
    # macro, and a mart's macro sorted every mart row it read at T again (700 ms of 2.5 s for
    # `progres_kabupaten_per` halfway through three national years).
    body = STORAGE_ORDER.sub(r"\1", body.strip())
    return f"create or replace macro {name}{suffix}(waktu) as table\n{body}"


_BOUNDS_READ = re.compile(rf"\b(from|join)\s+{marts.BOUNDS}\b(?!\s*\()", re.IGNORECASE)


@cache
def bounds_at_t() -> str:
    """`rentang_mart` at T: its query over the relations at T."""
    code = _inlined(models.model("queries", marts.BOUNDS).code)
    at_t = set(names())
    return _RELATION.sub(
        lambda m: f"{m.group(1)} {m.group(2)}_per(waktu)" if m.group(2).lower() in at_t else m.group(0),
        code.strip(),
    )


def _inlined(code: str) -> str:
    """`code` with each CTE it declares `not materialized` written out where it is read (`from x`,
    `join x` become `from (...) as x`).

    The catalog is stored for DuckDB 1.4 clients (katalog.STORAGE_VERSION), and that format keeps no
    `not materialized` in a stored macro: reopened, a mart's macro copied out every CTE it reads
    twice, such as the whole of `riwayat_kecamatan` (8M rows on three national years) for each mart
    that reads it. The CTE itself stays, plain, for a table macro given its name (`query_table`)."""
    while found := NOT_MATERIALIZED.search(code):
        name, opening = found.group(1), found.end() - 1
        closing = models.closing(code, opening)
        if closing is None:
            raise WarehouseError("kurung SQL tidak tertutup", sql=name, at=opening)
        body = code[opening + 1 : closing]
        read = re.compile(rf"\b(from|join)\s+{name}\b(?!\s*\()", re.IGNORECASE)
        after = read.sub(_written_out(body, name), code[closing:])
        code = f"{code[: found.start()]}{name} as ({body}{after}"
    return code


def _written_out(body: str, name: str) -> Callable[[re.Match[str]], str]:
    """A read of CTE `name` (`from name`, `join name`) replaced by its body."""
    return lambda read: f"{read.group(1)} ({body}) as {name}"


def _attach(path: Path) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if not path.is_file():
        raise WarehouseError("gudang data belum ada; jalankan `ektp nightly` dulu", warehouse=path)
    con = db.connect()
    try:
        con.execute("attach ? as gudang (read_only)", [str(path)])
        # Unqualified names: this connection's own tables (the state at T) first, then the warehouse.
        con.execute("set search_path = 'memory.main,gudang.main'")
        macros.install(con)
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(
            "gudang data tidak dapat dibuka", warehouse=path, reason=str(exc).splitlines()[0]
        ) from exc
    return con


def journal_start(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the journal began (migration 004 applied), or None for a warehouse without one."""
    found = con.execute(
        "select diterapkan_pada from gudang.schema_migrations where versi = ?", [JOURNAL_MIGRATION]
    ).fetchall()
    start: datetime | None = found[0][0] if found else None
    return start


def _journal_end(con: duckdb.DuckDBPyConnection) -> datetime:
    """The latest decision the journal holds (a writer whose clock runs ahead stamps moments a
    reader's clock has not reached yet: they still happened)."""
    return journal.end(con) or datetime.min.replace(tzinfo=UTC)


def run_time(con: duckdb.DuckDBPyConnection, run_id: str) -> datetime | None:
    """The decision time of run `run_id`, or None when the journal has no decision of it."""
    ((decided,),) = con.execute(
        "select max(berlaku_sejak) from gudang.riwayat_unggahan where dicatat_oleh = ?", [run_id]
    ).fetchall()
    when: datetime | None = decided
    return when


def parse(text: str) -> datetime | str:
    """What `--as-known-on` names: a run id as it is, or the *end* of the moment the text names, so
    that the time a report shows ("02.05") includes that minute's run: a date is the end of that day,
    HH:MM the end of that minute, HH:MM:SS the end of that second; WITA unless it names its offset.
    ValueError when it is neither."""
    text = text.strip()
    if RUN_ID.fullmatch(text):
        return text
    if len(text) == 10:  # YYYY-MM-DD
        return datetime.combine(date.fromisoformat(text), time.max, WITA)
    moment = datetime.fromisoformat(text)
    clock = text[11:].split("+")[0].split("-")[0].rstrip("Z")
    if "." not in clock:  # the end of the hour, minute or second it names
        moment += (timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1))[
            clock.count(":")
        ] - timedelta(microseconds=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=WITA)


def resolve(
    con: duckdb.DuckDBPyConnection, path: Path, t: datetime | str, now: datetime | None = None
) -> datetime:
    """The one moment `t` stands for, wherever it is used or shown (the reconstruction, the report's
    file name, its page and its workbook): a time as it is (WITA when naive); a run id, the decision
    time of that run; a run id the journal does not hold (a run that decided nothing, such as a
    nightly with no new file), the end of the second it started in, which is the state after the run
    before it. Refused in one line before the journal began and after `now`."""
    start = journal_start(con)
    if start is None:
        raise ReportError(
            "gudang data ini belum mencatat riwayat keputusan; jalankan `ektp nightly` sekali",
            warehouse=path,
        )
    if isinstance(t, str):
        when = run_time(con, t) or _run_start(t, path)
    elif t.tzinfo is None:
        when = t.replace(tzinfo=WITA)  # a wall-clock time is the offices' (as on the command line)
    else:
        when = t
    now = datetime.now(UTC) if now is None else now
    if when < start:
        raise ReportError(
            f"riwayat keputusan gudang data ini baru dicatat sejak {waktu_detik(start)}; angka sebagaimana "
            f"diketahui pada {waktu_detik(when)} ({span(start - when)} sebelumnya) tidak dapat disusun ulang",
            warehouse=path,
        )
    if when > now and when > _journal_end(con):  # the journal's own moments have happened
        raise ReportError(
            f"{waktu_detik(when)} belum terjadi ({span(when - now)} lagi; sekarang {waktu_detik(now)}): "
            "angka hanya dapat disusun ulang sebagaimana diketahui pada waktu yang sudah lewat",
            warehouse=path,
        )
    return when


def _run_start(run_id: str, path: Path) -> datetime:
    """The end of the second a run started in, read from its id."""
    found = RUN_ID.fullmatch(run_id)
    if found is None:
        raise ReportError(f"run {run_id} tidak ada dalam riwayat keputusan gudang data", warehouse=path)
    began = datetime.strptime(found.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return began + timedelta(seconds=1, microseconds=-1)


def span(d: timedelta) -> str:
    """How long, in the two largest units: '21 detik', '3 menit 5 detik', '2 hari 4 jam'."""
    seconds = max(1, round(d.total_seconds()))  # below a second, still not the same moment
    parts = [(seconds // 86_400, "hari"), (seconds // 3_600 % 24, "jam"), (seconds // 60 % 60, "menit")]
    parts.append((seconds % 60, "detik"))
    named = [f"{n} {unit}" for n, unit in parts if n]
    return " ".join(named[:2])


def known_on(con: duckdb.DuckDBPyConnection) -> datetime:
    """The moment an as-of connection (`connect_at`) stands for."""
    ((when,),) = con.execute(f"select pada from memory.main.{MOMENT}").fetchall()
    moment: datetime = when
    return moment


@contextmanager
def connect_at(path: Path, t: datetime | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection whose relations are the warehouse as known on `t` (a time, WITA when naive; or a
    run id); `known_on(con)` is the moment `resolve` made of `t`."""
    con = _attach(path)
    try:
        when = resolve(con, path, t)
        con.execute(f"create table memory.main.{MOMENT} as select ?::timestamptz as pada", [when])
        con.execute(f"create table memory.main.{marts.CHANGES} as select * from {marts.EVERYTHING}")
        read = _read_from_journal(con, when)
        stored = [n for n in order() if n in tables()]
        for name in stored:
            _create_at(con, name, when, read)
        marts.keep_bounds(con)  # the marts' spines between the dates the tables at T give
        for name in [n for n in order() if n not in stored]:
            _create_at(con, name, when, read)
        yield con
    except duckdb.Error as exc:
        raise WarehouseError(
            "gudang data tidak dapat dibaca", warehouse=path, reason=str(exc).splitlines()[0]
        ) from exc
    finally:
        con.close()


def _create_at(con: duckdb.DuckDBPyConnection, name: str, t: datetime, read: set[str]) -> None:
    """`name` at `t` in the as-of connection: read from its journal when `read` names it, else
    computed by its SQL from the relations at `t` made before it."""
    code = from_journal(name) if name in read else model(name).code
    params: dict[str, object] = {"waktu": t} if "$waktu" in code else {}  # DuckDB refuses one not used
    params.update(marts.params(code, None))
    con.execute(f"create table memory.main.{name} as {code}", params)  # name: ours


def _read_from_journal(con: duckdb.DuckDBPyConnection, t: datetime) -> set[str]:
    """The journaled marts whose journal knows `t` (complete, or begun by then)."""
    return {mart for mart, (sejak, lengkap) in _starts(con, "gudang").items() if lengkap or t >= sejak}
