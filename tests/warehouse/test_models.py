"""The SQL models' headers (warehouse.models): every file declares what it reads, and its SQL reads
exactly that; every declared key is unique and never null in the warehouses the tests build; and
what the headers say drives the order, the partitions and the rows a run replaces."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipeline import muat
from tests.warehouse.test_incremental import REFERENCE, Landing, Upload, run_of
from warehouse import asof, db, katalog, komentar, macros, marts, models, partitions, publish, read, store
from warehouse.models import ModelError


def broken_keys(con: duckdb.DuckDBPyConnection, relations: list[str] | None = None) -> list[str]:
    """Each mart and as-of relation with a declared key that is null or repeated in `con`."""
    problems = []
    for name in relations or asof.names():
        key = asof.model(name).key
        if not key:
            continue
        columns = ", ".join(key)
        ((nulls,),) = con.execute(
            f"select count(*) from {name} where " + " or ".join(f"{k} is null" for k in key)
        ).fetchall()
        ((repeated,),) = con.execute(
            f"select count(*) from (select {columns} from {name} group by all having count(*) > 1)"
        ).fetchall()
        if nulls or repeated:
            problems.append(f"{name} ({columns}): {nulls} null, {repeated} repeated")
    return problems


# A warehouse of every kind of change: new days, corrections, late corrections, a copy, a rejected
# file, a kecamatan missing, and a backfill re-deciding a range.
RUNS = [
    [Upload("5272", 0, 0), Upload("5208", 0, 0), Upload("5272", 1, 0)],
    [Upload("5272", 1, 1), Upload("5208", 2, 0, missing=("520803",)), Upload("5272", 2, 0, error=True)],
    [Upload("5208", 0, 2), Upload("5272", 3, 0), Upload("5272", 3, 0, copy=True)],
    "backfill",
    [Upload("5208", 4, 0), Upload("5272", 2, 3)],
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.duckdb"
    landing = Landing()
    for run, uploads in enumerate(RUNS):
        if uploads == "backfill":
            touched = {g for g in landing.groups if 0 <= g[1] <= 2}
        else:
            touched = {landing.add(u) for u in uploads}
        _apply(path, *run_of(landing, touched), run)
    return path


def _apply(path: Path, decided, rows, findings, run: int) -> None:
    """One run's decisions, decided now (the journal starts now: moments before it are refused),
    a second apart from the last run's: the run's clock, which the writer checks too."""
    now = datetime.now(UTC) + timedelta(seconds=run)
    with store.writing(path, at=now) as session:
        with db.transaction(session.con):
            muat.store_decisions(
                session.con, decided, findings, rows, REFERENCE, f"run-{run}", now, rebuild=False
            )
        session.publish()


def test_every_model_declares_what_its_sql_reads():
    # read and checked: a header that lies about its SQL raises ModelError
    for kind in models.KINDS:
        for name in models.names(kind):
            found = models.model(kind, name)
            assert found.reads, found.path
            assert found.reads == models.reads(found.code) - models.GIVEN, found.path
    assert all(m.refresh in models.REFRESH and m.key and m.partition for m in models.every("marts"))


def test_a_header_that_does_not_match_its_sql_is_refused(monkeypatch):
    text = (
        "-- key: a\n-- reads: unggahan\n-- refresh: full\n-- partition: a\n-- comment: Palsu.\n"
        "select * from kualitas_data"
    )
    monkeypatch.setattr(models, "sql", lambda name: text)
    models.model.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"missing \['kualitas_data'\], extra \['unggahan'\]"):
            models.model("marts", "palsu")
    finally:
        models.model.cache_clear()


def test_a_mart_describes_itself_and_its_columns_in_its_header(monkeypatch):
    # prose over indented lines, one line each in the catalog; a mart without a comment is refused
    header = models.header(
        "-- key: a\n-- comment: Satu baris per a,\n--   dan seterusnya.\n-- column a: Kode a.\n"
        "-- column b: Jumlah b,\n--   dibawa maju.\n-- reads: x\nselect 1"
    )
    assert header == {
        "key": "a",
        "comment": "Satu baris per a, dan seterusnya.",
        "column a": "Kode a.",
        "column b": "Jumlah b, dibawa maju.",
        "reads": "x",
    }
    found = models.model("marts", "progres_kecamatan_harian")
    assert found.comment and dict(found.columns)["tanggal_laporan"]
    text = "-- key: a\n-- reads: unggahan\n-- refresh: full\n-- partition: a\nselect * from unggahan"
    monkeypatch.setattr(models, "sql", lambda name: text)
    models.model.cache_clear()
    try:
        with pytest.raises(ModelError, match=r"header lacks \['comment'\]"):
            models.model("marts", "palsu")
    finally:
        models.model.cache_clear()


@pytest.mark.parametrize(
    ("journal", "refresh", "refusal"),
    [
        ("riwayat_palsu, riwayat_lain", "by_kabupaten_tanggal", "journal names one table"),
        ("riwayat_palsu", "by_kabupaten", "a journaled mart is refreshed by_kabupaten_tanggal"),
        ("riwayat-palsu", "by_kabupaten_tanggal", "not a column or relation name"),
    ],
)
def test_a_mart_journal_the_refresh_cannot_compare_is_refused(monkeypatch, journal, refresh, refusal):
    text = (
        f"-- key: kode_kabupaten, tanggal\n-- reads: unggahan\n-- refresh: {refresh}\n-- partition: tanggal\n"
        f"-- comment: Palsu.\n-- journal: {journal}\nselect * from unggahan"
    )
    monkeypatch.setattr(models, "sql", lambda name: text)
    models.model.cache_clear()
    try:
        with pytest.raises(ModelError, match=refusal):
            models.model("marts", "palsu")
        with pytest.raises(ModelError, match="belong to marts only"):
            models.model("queries", "palsu")
    finally:
        models.model.cache_clear()


def test_the_parser_leaves_comments_strings_and_ctes_out():
    code = models.strip_comments(
        "-- from wilayah_kabupaten\n"
        "with unggahan as (select * from unggahan), -- join kualitas_data\n"
        "x as (select '--' as s from unggahan join riwayat_kecamatan using (file))\n"
        "select * from x join laporan_terakhir(x, $tanggal) using (s)"
    )
    assert "'--'" in code
    # unggahan inside its own CTE is the stored table; x after its CTE is the CTE
    assert models.reads(code) == {"unggahan", "riwayat_kecamatan"}
    assert models.ctes(code) == {"unggahan", "x"}
    header = models.header("-- Text: not a field\n--\n-- reads: a,\n--   b\n-- key: k\nselect 1\n-- reads: c")
    assert header == {"reads": "a, b", "key": "k"}


def test_order_partitions_and_refresh_come_from_the_headers():
    order = marts.order()
    for mart in marts.names():
        header = models.model("marts", mart)
        assert all(order.index(r) < order.index(mart) for r in marts.reads(mart))
        assert partitions.partitioned()[mart] == ", ".join(header.partition)
        assert header.refresh in marts.DELETES
        if header.journal is not None:  # its journal in its order, each row's versions in theirs
            assert partitions.partitioned()[header.journal] == ", ".join([*header.partition, "berlaku_sejak"])
    assert order.index("progres_kabupaten") < order.index("progres_provinsi")
    assert models.model("marts", "progres_kabupaten").journal == "riwayat_progres_kabupaten"


def test_every_declared_key_is_unique_and_not_null_in_the_test_warehouse(warehouse):
    with read.connect(warehouse) as con:
        assert con.execute("select count(*) from progres_kecamatan").fetchall()[0][0] > 0
        assert broken_keys(con) == []


def test_every_declared_key_holds_at_every_moment_too(warehouse):
    # the relations as known on a moment between the runs (warehouse.asof)
    with read.connect(warehouse) as con:
        moments = [
            t for (t,) in con.execute("select distinct berlaku_sejak from riwayat_unggahan").fetchall()
        ]
    assert len(moments) > 2
    for moment in sorted(moments)[1::2]:
        with asof.connect_at(warehouse, moment) as con:
            # unqualified names read the relations at that moment (memory.main comes first)
            assert broken_keys(con) == []


def test_the_key_check_finds_a_repeated_key():
    with duckdb.connect() as con:
        con.execute(
            "create table progres_provinsi as select '52' as kode_provinsi, date '2018-04-01' as tanggal"
        )
        con.execute("insert into progres_provinsi select * from progres_provinsi")
        assert broken_keys(con, ["progres_provinsi"]) == [
            "progres_provinsi (kode_provinsi, tanggal): 0 null, 1 repeated"
        ]


def test_the_deadline_is_the_contract_s_nightly():
    # 02:00 WITA the day after the report date, the contract's nightly hour
    with duckdb.connect() as con:
        macros.install(con)
        ((due,),) = con.execute("select batas_waktu(date '2018-04-12')").fetchall()
    assert due == datetime.fromisoformat("2018-04-13T02:00:00+08:00")


NEW_MART = """-- One row per kabupaten and date a kecamatan reported: how many did (a mart added by a test).
--
-- key: kode_kabupaten, tanggal
-- reads: progres_kecamatan
-- refresh: by_kabupaten_tanggal
-- partition: tanggal, kode_kabupaten
-- comment: Banyaknya kecamatan yang lapor per kabupaten dan tanggal (mart tambahan sebuah tes).
with

perubahan as (
    select kode_kabupaten, dari from perubahan_mart
),

laporan as (
    select tanggal, kode_kabupaten from progres_kecamatan
),

final as (
    select laporan.tanggal, laporan.kode_kabupaten, count(*)::integer as kecamatan_lapor
    from laporan
    inner join perubahan using (kode_kabupaten)
    where laporan.tanggal >= perubahan.dari
    group by laporan.tanggal, laporan.kode_kabupaten
)

select * from final
"""


def _forget() -> None:
    for cached in (
        read.sql,
        models.model,
        models.names,
        partitions.partitioned,
        asof.order,
        komentar.declared,
    ):
        cached.cache_clear()


@pytest.fixture
def one_more_mart(tmp_path, monkeypatch):
    """The tree's SQL and one more mart file: nothing else changes."""
    tree = tmp_path / "sql"
    shutil.copytree(read.SQL, tree)
    (tree / "marts" / "lapor_kabupaten.sql").write_text(NEW_MART, encoding="utf-8")
    for module in (read, models, marts, katalog):  # the migrations are warehouse.versions' own
        monkeypatch.setattr(module, "SQL", tree)
    _forget()
    yield
    monkeypatch.undo()
    _forget()


def test_a_new_mart_is_one_sql_file(one_more_mart, tmp_path):
    # built after what it reads, published in partitions, brought up to date by each run as a full
    # rebuild would build it, with its as-of macro for analysts
    assert marts.order().index("lapor_kabupaten") > marts.order().index("progres_kecamatan")
    path = tmp_path / "baru.duckdb"
    landing = Landing()
    for run, uploads in enumerate(RUNS[:3]):
        _apply(path, *run_of(landing, {landing.add(u) for u in uploads}), run)
    expected = (
        "select tanggal, kode_kabupaten, count(*)::integer from progres_kecamatan group by all order by all"
    )
    with read.connect(path) as con:
        built = con.execute("select * from lapor_kabupaten order by all").fetchall()
        assert built == con.execute(expected).fetchall()
        assert len(built) > 3
        assert broken_keys(con, ["lapor_kabupaten"]) == []
        ((last,),) = con.execute("select max(berlaku_sejak) from riwayat_unggahan").fetchall()
        as_of = con.execute("select * from lapor_kabupaten_per(?) order by all", [last]).fetchall()
        assert as_of == built
    months = {p.name.split(".")[0] for p in (publish.folder_of(path) / "lapor_kabupaten").glob("*.parquet")}
    assert "2018-04" in months
