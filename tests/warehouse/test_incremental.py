"""The marts brought up to date incrementally equal the marts rebuilt whole, after every run of a
random sequence: new days, corrections of the day, late corrections of old days, copies, rejected
files, kecamatan missing from a file, files arriving out of order, and backfills re-deciding a
range. The warehouse refreshes only what each run touched; after each run, every mart it published
is compared row for row with the same mart rebuilt whole (the SQL `ektp rebuild-marts` runs) from
the tables it published, and so is each kecamatan's latest report the load keeps
(laporan_kecamatan_terakhir) with the one the whole history gives. A mart that keeps a journal of
its rows gives, as known on each earlier run's time, what that run published."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from contract import regions, rules
from pipeline import muat
from pipeline.batch import FILE_SCHEMA
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, dumps, reading
from tests.warehouse.profiled import scans
from transforms.batch import FINDINGS, empty_rows
from transforms.decisions import decide
from warehouse import asof, db, macros, marts, publish, store, terakhir
from warehouse.read import sql

pytestmark = pytest.mark.slow  # see tests/conftest.py: left out of `make check`

START = date(2018, 4, 1)
KECAMATAN = {"5272": KOTA_BIMA, "5208": LOMBOK_UTARA}
REFERENCE = regions.load("52")


@dataclass(frozen=True)
class Upload:
    """One file a district sends: its report date, a version of its figures, what it holds."""

    kabupaten: str
    day: int
    version: int
    error: bool = False  # a rule fails: rejected
    missing: tuple[str, ...] = ()  # kecamatan left out
    copy: bool = False  # byte-identical to the previous file of its group: a duplicate

    @property
    def tanggal(self) -> date:
        return START + timedelta(days=self.day)


@dataclass
class Landing:
    """The files sent so far, per district and date, in arrival order."""

    groups: dict[tuple[str, int], list[tuple[str, str, int, Upload]]] = field(default_factory=dict)
    clock: int = 0

    def add(self, u: Upload) -> tuple[str, int]:
        group = (u.kabupaten, u.day)
        sent = self.groups.setdefault(group, [])
        self.clock += 1
        if u.copy and sent:
            _, sha, _, original = sent[-1]
            sent.append((f"{u.kabupaten}/salinan_{self.clock}.csv", sha, self.clock, original))
        else:
            sha = hashlib.sha256(repr(u).encode()).hexdigest()
            sent.append((f"{u.kabupaten}/rekap_{u.day}_{self.clock}.csv", sha, self.clock, u))
        return group


def figures(u: Upload, kode: str) -> dict:
    """A kecamatan's counts in a file: rising with the day, moved by the file's version (a
    correction may lower them)."""
    i = int(kode[-1])
    wajib = 10_000 + 100 * i + 37 * (u.version % 3)
    sudah = min(wajib, 5_000 + 50 * u.day + 7 * i + 13 * u.version - 40 * (u.version % 2))
    return {
        "wajib_ktp": wajib,
        "sudah_rekam": sudah,
        "belum_rekam": wajib - sudah,
        "rekam_hari_ini": None,
        "rekam_keliling": None,
        "sudah_cetak": sudah - 100,
    }


def run_of(landing: Landing, groups: set[tuple[str, int]]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """What a run decides for these groups: every file of each, as the pipeline re-decides them."""
    files, rows, errors = [], [], []
    for group in sorted(groups):
        for name, sha, mtime, u in landing.groups[group]:
            file_id = len(files)
            files.append(
                {
                    "file_id": file_id,
                    "file": name,
                    "sha256": sha,
                    "kode_kabupaten": u.kabupaten,
                    "tanggal": u.tanggal,
                    "mtime_ns": mtime,
                    "ctime_ns": mtime,
                    "inode": mtime,
                    "ukuran": 100,
                    "baris": len(KECAMATAN[u.kabupaten]),
                    "has_error": u.error,
                }
            )
            if u.error:
                errors.append({"file_id": file_id, **rules.finding("angka_tidak_valid", "rusak", baris=2)})
            for line, kode in enumerate(KECAMATAN[u.kabupaten], start=2):
                if kode not in u.missing:
                    rows.append(
                        {
                            "file_id": file_id,
                            "file": name,
                            "kode_kabupaten": u.kabupaten,
                            "tanggal": u.tanggal,
                            "baris": line,
                            "kode_kecamatan": kode,
                            "nama_kecamatan": None,
                            **figures(u, kode),
                        }
                    )
    decided = decide(pl.DataFrame(files, schema={**FILE_SCHEMA, "has_error": pl.Boolean}))
    frame = pl.DataFrame(rows, schema=empty_rows().schema) if rows else empty_rows()
    found = pl.DataFrame(errors, schema=FINDINGS) if errors else pl.DataFrame(schema=FINDINGS)
    return decided, frame, found


def apply(path: Path, decided, rows, findings, run: int) -> datetime:
    """The run's decisions stored and published; returns its decision time."""
    now = datetime(2018, 5, 1, tzinfo=UTC) + timedelta(minutes=run)
    with store.writing(path) as session:
        with db.transaction(session.con) as con:
            muat.store_decisions(con, decided, findings, rows, REFERENCE, f"run-{run}", now, rebuild=False)
        session.publish()
    return now


def as_known_on(path: Path, t: datetime) -> dict[str, pl.DataFrame]:
    """Each journaled mart as its stored `_per` macro gives it at `t`."""
    with reading(path) as con:
        return {m: _sorted(con.sql(f"select * from {m}_per(?)", params=[t]).pl()) for m in asof.journaled()}


def rebuilt(path: Path) -> dict[str, pl.DataFrame]:
    """Every mart rebuilt whole, in memory, from the tables the warehouse published."""
    with duckdb.connect() as con:
        con.execute("attach ? as terbit (read_only)", [str(path)])
        # Unqualified names: the marts rebuilt here first, then the published tables.
        con.execute("set search_path = 'memory.main,terbit.main'")
        macros.install(con)
        con.execute(f"create table memory.main.{marts.CHANGES} as select * from {marts.EVERYTHING}")
        marts.keep_bounds(con)  # from the published tables
        for mart in marts.order():
            code = sql("marts/" + mart)
            con.execute(f"create table memory.main.{mart} as {code}", marts.params(code, None))
        return {m: _sorted(con.sql(f"select * from memory.main.{m}").pl()) for m in marts.names()}


def rebuilt_from_history(path: Path, table: str) -> pl.DataFrame:
    """Each kecamatan's latest (or first: `table`) current report found in the whole history the
    warehouse published."""
    with reading(path) as con:
        return _sorted(con.sql(sql(f"asof/{table}")).pl())


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.drop([c for c in ("run_id", "diproses_pada") if c in frame.columns])
    return frame.sort(frame.columns, nulls_last=True)


uploads = st.builds(
    Upload,
    kabupaten=st.sampled_from(sorted(KECAMATAN)),
    day=st.integers(0, 12),
    version=st.integers(0, 5),
    error=st.sampled_from([False, False, False, True]),
    missing=st.lists(st.sampled_from(KOTA_BIMA + LOMBOK_UTARA), max_size=2).map(tuple),
    copy=st.booleans(),
)
# A run: a few uploads (new days, corrections, late files), or a backfill of a range of days.
steps = st.one_of(
    st.lists(uploads, min_size=1, max_size=4).map(lambda u: ("unggah", u)),
    st.tuples(st.integers(0, 12), st.integers(0, 12)).map(lambda r: ("backfill", (min(r), max(r)))),
)


# Every kind of run in one sequence, so that each is exercised in every session whatever the random
# examples draw: two new days (a kecamatan left out of one), the day corrected, a byte-identical
# copy and an older day arriving after a newer one, a rejected correction, a late correction of
# an old day (a kecamatan's first report) leaving out a kecamatan, whose first report moves to a
# later day, then a backfill re-deciding the whole range.
EVERY_KIND = [
    ("unggah", [Upload("5272", 5, 0), Upload("5208", 5, 0, missing=(LOMBOK_UTARA[-1],))]),
    ("unggah", [Upload("5272", 5, 1), Upload("5272", 5, 1, copy=True), Upload("5208", 2, 0)]),
    ("unggah", [Upload("5272", 3, 0), Upload("5272", 3, 2, error=True)]),
    ("unggah", [Upload("5208", 2, 3, missing=(LOMBOK_UTARA[0],))]),
    ("backfill", (0, 12)),
]


# Six random sequences (of two to seven runs, each of up to four files or a backfill) besides the
# one above: every kind of file and run turns up in them several times over (some 60 files a
# session), and the sequence above guarantees each kind; twenty drew the same kinds at over three
# times the cost (each run publishes and checks every mart against a rebuild), ten at 1.6 times.
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(steps, min_size=2, max_size=7))
@example(EVERY_KIND)
def test_incremental_marts_equal_a_full_rebuild_after_every_run(tmp_path_factory, sequence):
    base = tmp_path_factory.mktemp("inkremental")
    landing = Landing()
    warehouse = base / "inkremental.duckdb"
    published_then: list[tuple[datetime, dict[str, pl.DataFrame]]] = []
    for run, (kind, what) in enumerate(sequence):
        if kind == "unggah":
            touched = {landing.add(u) for u in what}
        else:
            touched = {g for g in landing.groups if what[0] <= g[1] <= what[1]}
        if not touched:
            continue
        decided, rows, findings = run_of(landing, touched)
        decided_at = apply(warehouse, decided, rows, findings, run)
        whole = rebuilt(warehouse)
        published = dumps(warehouse, [*whole, *terakhir.UJUNG])
        for mart, frame in whole.items():
            assert published[mart].equals(frame), (mart, run, kind, what)
        # The tables the load keeps (the marts and the history check read them) are what the whole
        # history says.
        for table in terakhir.UJUNG:
            assert published[table].equals(rebuilt_from_history(warehouse, table)), (table, run, kind, what)
        # The journaled marts as known on this run's time are what it published ...
        published_then.append((decided_at, {m: _sorted(published[m]) for m in asof.journaled()}))
        known = as_known_on(warehouse, decided_at)
        assert all(known[m].equals(f) for m, f in published_then[-1][1].items()), (run, kind, what)
    # ... and, once every run has added to the journal, on every earlier run's time too.
    for t, then in published_then:
        known = as_known_on(warehouse, t)
        assert all(known[m].equals(frame) for m, frame in then.items()), (t, sequence)


def test_rebuild_marts_gives_the_marts_the_runs_built(tmp_path, prefect_server):
    # `ektp rebuild-marts` over a warehouse the nightly and a late correction built: same rows
    from ektp import cli
    from tests.flows.support import D3, tiny_landing
    from tests.uploads import day_file

    landing, warehouse = tiny_landing(tmp_path / "landing"), tmp_path / "gudang" / "ektp.duckdb"
    common = ["--landing", str(landing), "--warehouse", str(warehouse)]
    assert cli.main(["nightly", "--date", D3.isoformat(), *common]) == 0
    day_file(landing, "5272", KOTA_BIMA, START, base=4_990, step=10, name="koreksi_2018-04-01.csv")
    assert cli.main(["nightly", "--date", D3.isoformat(), *common]) == 0
    before = dumps(warehouse, marts.names())
    assert cli.main(["rebuild-marts", *common]) == 0
    after = dumps(warehouse, marts.names())
    assert all(after[m].equals(frame) for m, frame in before.items())


# A night's refresh reads the rows of the dates it recomputes (and of the 29 days before them, the
# widest window a mart keeps), not the history: DuckDB's profile of each mart's SQL, for a night's
# new day, shows what each scan of a dated table let through. A scan that a join with no row stops
# lets one vector through (DuckDB's 2,048 rows), so the history is longer than that in every dated
# table (2,400 files). Before the marts were given their bounds and `$mulai`, progres_kecamatan and
# mutu_kabupaten read every file and progres_provinsi every kabupaten row (this fails on them).
HISTORY_DAYS = 1200
VECTOR = 2048


def test_a_night_s_refresh_of_the_marts_reads_no_history_it_does_not_change(tmp_path):
    landing = Landing()
    touched = {landing.add(Upload(k, d, 0)) for k in KECAMATAN for d in range(HISTORY_DAYS)}
    warehouse = tmp_path / "riwayat.duckdb"
    apply(warehouse, *run_of(landing, touched), run=0)
    dari = START + timedelta(days=HISTORY_DAYS)  # the next day, for every kabupaten
    dated = ("riwayat_kecamatan", "unggahan", "progres_kecamatan", "progres_kabupaten")
    with duckdb.connect(str(publish.folder_of(warehouse) / "kerja.duckdb"), read_only=True) as con:
        macros.install(con)
        every = "select kode_kabupaten, ?::date as dari from wilayah_kabupaten"
        con.execute(f"create temp table {marts.CHANGES} as {every}", [dari])
        marts.keep_bounds(con)
        since = dari - timedelta(days=29)
        window = {t: one_value(con, f"select count(*) from {t} where tanggal >= ?", [since]) for t in dated}
        whole = {t: one_value(con, f"select count(*) from {t}") for t in dated}
        assert all(whole[t] > window[t] + VECTOR for t in dated), whole
        for mart in marts.order():
            code = sql("marts/" + mart)
            profile = tmp_path / f"{mart}.json"
            for scan in scans(con, f"select count(*) from ({code})", marts.params(code, dari), profile):
                if scan.operator == "SEQ_SCAN" and scan.table in dated:
                    t = scan.table
                    assert scan.rows <= window[t] + VECTOR, (mart, t, scan.rows, window[t], whole[t])


def one_value(con: duckdb.DuckDBPyConnection, query: str, params: list[object] | None = None) -> int:
    ((value,),) = con.execute(query, params or []).fetchall()
    return int(value)
