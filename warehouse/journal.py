"""The warehouse's journal: every decision, finding and figure kept, so that the figures of any
moment can be rebuilt (`warehouse.asof`); and the journals of the marts that declare one, so that
such a mart as known on a moment is read, not rebuilt. Written in the load's transaction, by the
same writer."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract.errors import ClockBehind
from contract.formats import waktu_detik
from warehouse import db, models, partitions
from warehouse.read import sql

VALID = ("loaded", "superseded")
STARTS = "jurnal_mart"  # which marts keep a journal, since when (migration 012)
# A mart journal's own columns: a version is in force from `berlaku_sejak` until `berlaku_sampai`
# (excluded; null while it is the mart's row).
SEJAK, SAMPAI = "berlaku_sejak", "berlaku_sampai"
# The rows a refresh recomputed (each kabupaten named, from its `dari`; `$mulai`, the earliest,
# lets DuckDB skip the row groups of earlier dates), in the mart and open in its journal.
_RANGE = (
    "select {columns} from {table} inner join perubahan_mart as p using (kode_kabupaten)"
    " where {table}.tanggal >= p.dari and {table}.tanggal >= $mulai"
)


def end(con: duckdb.DuckDBPyConnection, after: datetime | None = None) -> datetime | None:
    """The latest decision the journal holds: when its newest version came into force (None while
    it is empty). Versions are in force in the order of these moments (warehouse.asof).

    With `after`, only a decision after that moment is looked for (None when there is none): DuckDB
    skips each row group whose moments all come before it, so a writer's check of its clock
    (warehouse.store) reads no history."""
    newest = "select max(berlaku_sejak) from gudang.riwayat_unggahan"
    if after is None:
        ((found,),) = con.execute(newest).fetchall()
    else:
        ((found,),) = con.execute(newest + " where berlaku_sejak > ?", [after]).fetchall()
    when: datetime | None = found
    return when


def clock_not_behind(con: duckdb.DuckDBPyConnection, path: Path, at: datetime | None = None) -> None:
    """Refuse a writer whose clock (`at`, or now) is behind the journal's last decision, before it
    changes anything. A run stamps its decisions with its clock, and the journal's versions are in
    force in the order of those moments: a server booted with a wrong clock, or a clock set back,
    would file new decisions before old ones (every "as known on" after it wrong), and would
    reject each file dated after its "today" as a date that has not come."""
    now = at or datetime.now(UTC)
    last = end(con, after=now)
    if last is not None:
        raise ClockBehind(
            f"jam mesin ini ({waktu_detik(now)}) lebih awal dari keputusan terakhir gudang data "
            f"({waktu_detik(last)}): periksa jam sistem (timedatectl); tidak ada yang diubah",
            path=path,
        )


def keep_figures(con: duckdb.DuckDBPyConnection, files: pl.DataFrame) -> None:
    """Archive the figures of the decided files that stop being valid, before they are replaced."""
    gone = files.filter(~pl.col("status").is_in(VALID)).select("file", "sha256")
    if gone.is_empty():
        return
    with db.registered(con, berkas_gugur=gone):
        con.execute(sql("jurnal/arsipkan_angka"))
    partitions.mark(
        con,
        ("arsip_riwayat_kecamatan",),
        partitions.months_of(files.filter(~pl.col("status").is_in(VALID))["tanggal"]),
    )


def record(con: duckdb.DuckDBPyConnection, run_id: str, decided_at: datetime, changed: pl.DataFrame) -> None:
    """Append to the history tables the ledger rows of the file versions `changed` (file, sha256:
    every version whose `unggahan` row this transaction wrote, retired, re-stat or removed) that
    differ from their journal, and the findings this run wrote."""
    with db.registered(con, berkas_berubah=changed.select("file", "sha256")):
        con.execute(sql("jurnal/catat_unggahan"), {"waktu": decided_at, "run_id": run_id})
    con.execute(sql("jurnal/catat_temuan"), {"run_id": run_id})
    partitions.mark_from(con, "riwayat_unggahan", "dicatat_oleh = ?", [run_id])
    partitions.mark_from(con, "riwayat_temuan", "run_id = ?", [run_id])


def keys(*parts: pl.DataFrame | list[tuple[str, str]]) -> pl.DataFrame:
    """The (file, sha256) of frames and key lists, as one frame for `record`."""
    frames = [p.select("file", "sha256") if isinstance(p, pl.DataFrame) else db.versions(p) for p in parts]
    return pl.concat(frames, how="vertical_relaxed") if frames else db.versions()


def keep_mart(
    con: duckdb.DuckDBPyConnection, mart: models.Model, since: date | None, waktu: datetime | None
) -> None:
    """Journal what the refresh of `mart` just changed among the rows of `perubahan_mart` (from
    `since`, their earliest `dari`; None when nothing was named): a row that differs from its open
    version closes that version at `waktu` (None: the transaction's start, `now()`) and opens its
    own; a row gone closes its version. A mart not journaled yet is journaled whole, from `waktu`.
    The caller holds the transaction, after the mart's refresh."""
    assert mart.journal is not None  # models.model: a journaled mart
    journal = mart.journal
    columns = ", ".join(f"{mart.name}.{c}" for c in db.columns(con, mart.name))  # names: ours
    con.execute(
        f"create table if not exists {journal} as select {columns}, null::timestamptz as {SEJAK},"
        f" null::timestamptz as {SAMPAI} from {mart.name} where false"
    )
    if not con.execute(f"select 1 from {STARTS} where mart = ?", [mart.name]).fetchall():
        _start(con, mart, columns, waktu)
        return
    if since is not None:  # None: no kabupaten named, no row recomputed
        _compare(con, mart, columns, since, waktu)
        partitions.mark_table(con, journal, since)


def _compare(
    con: duckdb.DuckDBPyConnection, mart: models.Model, columns: str, since: date, waktu: datetime | None
) -> None:
    """The rows of the refreshed range against their open versions: those that differ (a set
    difference, nulls equal) close at `waktu` and open anew; those gone close."""
    assert mart.journal is not None
    journal, bounds = mart.journal, {"mulai": since}
    now = f"create or replace temp table jurnal_sekarang as {_RANGE.format(columns=columns, table=mart.name)}"
    con.execute(now, bounds)
    kept = _RANGE.format(columns=columns.replace(f"{mart.name}.", f"{journal}."), table=journal)
    con.execute(
        f"create or replace temp table jurnal_tercatat as {kept} and {journal}.{SAMPAI} is null", bounds
    )
    same_key = " and ".join(f"{journal}.{k} = lama.{k}" for k in mart.key)
    con.execute(
        f"update {journal} set {SAMPAI} = coalesce($waktu, now())"
        " from (select * from jurnal_tercatat except select * from jurnal_sekarang) as lama"
        f" where {journal}.{SAMPAI} is null and {journal}.tanggal >= $mulai and {same_key}",
        {"waktu": waktu, **bounds},
    )
    con.execute(
        f"insert into {journal} select *, coalesce($waktu, now()), null"
        " from (select * from jurnal_sekarang except select * from jurnal_tercatat)",
        {"waktu": waktu},
    )
    con.execute("drop table jurnal_sekarang")
    con.execute("drop table jurnal_tercatat")


def _start(con: duckdb.DuckDBPyConnection, mart: models.Model, columns: str, waktu: datetime | None) -> None:
    """`mart`'s journal begun at `waktu`, every row of the mart in force from then. Complete
    (`lengkap`) when no decision came before `waktu`: then the mart had no earlier state."""
    assert mart.journal is not None
    con.execute(f"delete from {mart.journal}")
    con.execute(
        f"insert into {mart.journal} select {columns}, coalesce($waktu, now()), null from {mart.name}",
        {"waktu": waktu},
    )
    con.execute(
        f"insert into {STARTS} select $mart, coalesce($waktu, now()),"
        " not exists (select 1 from riwayat_unggahan where berlaku_sejak < coalesce($waktu, now()))",
        {"mart": mart.name, "waktu": waktu},
    )
    partitions.mark_table(con, mart.journal)
