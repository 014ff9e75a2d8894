"""The descriptions analysts read in the catalog: a COMMENT on every relation, column and macro.

Two sources, each thing described in one place: the marts' headers (`comment:`, `column <name>:`,
parsed by warehouse.models) and warehouse/sql/komentar.sql for what the migrations and
warehouse/macros.py make. The `<relasi>_per(waktu)` macros (warehouse.asof) take their relation's
line. They are applied to a catalog or a backup as it is written (warehouse.katalog.install_macros):
DuckDB keeps a comment in the file and `COPY FROM DATABASE` carries it, but a table copied with
`create table as` and a view made anew over Parquet start without one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import duckdb

from warehouse import asof, models
from warehouse.read import sql

# The journal's copies describe only their own columns; the ones they share with the table they
# keep the history of are described there (a change of meaning stays in one place).
SAME_AS = {
    "riwayat_unggahan": "unggahan",
    "riwayat_temuan": "kualitas_data",
    "arsip_riwayat_kecamatan": "riwayat_kecamatan",
    "laporan_kecamatan_terakhir": "riwayat_kecamatan",  # a copy of each kecamatan's latest row
    "laporan_kecamatan_pertama": "riwayat_kecamatan",  # and of its first
}
KINDS = ("table", "view", "column", "macro", "macro table")
_STATEMENT = re.compile(
    r"^comment on (macro table|macro|table|view|column) ([a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*)?)"
    r" is '((?:[^']|'')*)';$",
    re.MULTILINE,
)
_PER = "{relation} sebagaimana diketahui pada waktu `waktu` (timestamptz), disusun ulang dari jurnal: {text}"
# A journaled mart (its header's `journal:`): its journal table, and its two macros at T.
_JOURNAL = (
    "Jurnal {relation}: setiap versi setiap baris {relation}, ditulis oleh proses yang mengubahnya; "
    "versi yang berlaku pada waktu T adalah yang berlaku_sejak <= T dan (berlaku_sampai kosong atau T < "
    "berlaku_sampai)."
)
_SEJAK = "Waktu keputusan proses yang menulis versi ini (timestamptz): berlaku sejak itu."
_SAMPAI = "Waktu keputusan proses yang menggantinya atau menghapusnya (timestamptz); kosong: masih berlaku."
_PER_JOURNAL = (
    "{relation} sebagaimana diketahui pada waktu `waktu` (timestamptz), dibaca dari {journal} (sebelum "
    "jurnal itu dimulai, lihat jurnal_mart: disusun ulang dari jurnal keputusan): {text}"
)
_SUSUN = (
    "{relation} sebagaimana diketahui pada waktu `waktu` (timestamptz), disusun ulang dari jurnal "
    "keputusan dengan SQL versi ini (lebih lambat daripada {relation}_per): {text}"
)


@dataclass(frozen=True)
class Komentar:
    """One COMMENT ON: `kind` one of KINDS, `target` a relation, `relation.column` or a macro."""

    kind: str
    target: str
    text: str

    def statement(self, database: str) -> str:
        """The statement, its target qualified: the writer's connection has temporary macros of
        the same names (warehouse.macros), which an unqualified name would find first."""
        # COMMENT ON takes a literal, not a parameter: the text is ours, its quotes doubled.
        quoted = self.text.replace("'", "''")
        target = f'"{database}".main.{self.target}'  # database and target: names of ours
        return f"comment on {self.kind} {target} is '{quoted}'"


@cache
def declared() -> tuple[Komentar, ...]:
    """Every description, from komentar.sql, the marts' headers and the `_per` macros."""
    text = sql("komentar")
    found = [Komentar(k, t, x.replace("''", "'")) for k, t, x in _STATEMENT.findall(text)]
    statements = [line for line in text.splitlines() if line.startswith("comment on")]
    if len(statements) != len(found):
        bad = [s for s in statements if not _STATEMENT.match(s)]
        raise models.ModelError(f"warehouse/sql/komentar.sql: not a one-line COMMENT ON: {bad}")
    for mart in models.every("marts"):
        found.append(Komentar("table", mart.name, mart.comment))
        found += [Komentar("column", f"{mart.name}.{c}", x) for c, x in mart.columns]
    journaled = asof.journaled()
    for name, journal in journaled.items():
        found.append(Komentar("table", journal, _JOURNAL.format(relation=name)))
        found.append(Komentar("column", f"{journal}.berlaku_sejak", _SEJAK))
        found.append(Komentar("column", f"{journal}.berlaku_sampai", _SAMPAI))
    by_target = {k.target: k.text for k in found}
    for copy, source in [*SAME_AS.items(), *((j, m) for m, j in journaled.items())]:
        found += [
            Komentar("column", f"{copy}.{target.split('.', 1)[1]}", text)
            for target, text in list(by_target.items())
            if target.startswith(f"{source}.") and f"{copy}.{target.split('.', 1)[1]}" not in by_target
        ]
    for name in asof.names():
        if name not in by_target:
            continue
        text = by_target[name]
        if name in journaled:
            per = _PER_JOURNAL.format(relation=name, journal=journaled[name], text=text)
            found.append(
                Komentar("macro table", f"{name}{asof.REBUILT}", _SUSUN.format(relation=name, text=text))
            )
        else:
            per = _PER.format(relation=name, text=text)
        found.append(Komentar("macro table", f"{name}_per", per))
    return tuple(found)


def apply(con: duckdb.DuckDBPyConnection, relations: set[str] | None = None) -> list[Komentar]:
    """COMMENT ON each described thing the current database holds; returns those it does not hold
    (a warehouse without marts yet; a test holds them empty for a whole warehouse). With
    `relations`, only those relations and their columns (views made anew: warehouse.katalog)."""
    present = _present(con, macros=relations is None)
    ((database,),) = con.execute("select current_database()").fetchall()
    missing, statements = [], []
    for komentar in declared():
        if relations is not None and not (
            komentar.kind in ("table", "view", "column") and komentar.target.split(".")[0] in relations
        ):
            continue
        if (_kind(komentar.kind), komentar.target) in present:
            statements.append(komentar.statement(database))
        else:
            missing.append(komentar)
    if statements:  # one call: a call each cost a small run's publication ~15 ms more
        con.execute(";\n".join(statements))
    return missing


def _kind(kind: str) -> str:
    """What a COMMENT ON kind needs: a relation (DuckDB's `comment on table` takes a view too), a
    column, a scalar macro or a table macro."""
    return "relation" if kind in ("table", "view") else kind


def _present(con: duckdb.DuckDBPyConnection, macros: bool) -> set[tuple[str, str]]:
    """(kind, name) of every relation and column of the current database, and macro if `macros`."""
    found = con.execute(sql("katalog_isi"), [macros]).fetchall()
    return {(kind, name) for kind, name in found}
