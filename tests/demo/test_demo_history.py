"""The demo's history is real (issue 25): uploads land at their time and each run decides at its
own simulated moment, so the journal, the `_per` macros, timeliness and the README's examples show
what they claim on the demo warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from demo.landing import LATE_DAYS, story
from demo.nights import nights

README = Path(__file__).resolve().parents[2] / "README.md"
KOREKSI = ("5202", date(2018, 4, 5))  # demo.simulate.EVENTS: Lombok Tengah's late correction


def readme_query(comment: str) -> str:
    """The README's example SQL that starts with the line `-- <comment>`, up to its `;`."""
    text = README.read_text(encoding="utf-8")
    start = text.index(f"-- {comment}")
    return text[start : text.index(";", start) + 1]


@pytest.fixture(scope="module")
def con(demo_run):
    with duckdb.connect(str(demo_run.warehouse), read_only=True) as c:
        yield c


def test_every_run_decided_at_its_own_moment(con):
    runs = con.execute(
        "select dicatat_oleh, min(berlaku_sejak), max(berlaku_sejak) from riwayat_unggahan"
        " group by dicatat_oleh order by 2"
    ).fetchall()
    schedule = nights()
    assert len(runs) == len(schedule) > 1
    assert [(first, last) for _, first, last in runs] == [(n.at, n.at) for n in schedule]
    # The journal begins with the first run, not when the demo was run on this machine.
    ((start,),) = con.execute("select min(diterapkan_pada) from schema_migrations").fetchall()
    assert start == schedule[0].at


def test_the_late_correction_has_two_decisions_at_different_moments(con):
    kab, day = KOREKSI
    uploads, _ = story()
    mine = sorted(
        (u for u in uploads if u.path.startswith(f"{kab}/lap {day:%d-%m-%Y}")), key=lambda u: u.mtime
    )
    first, revisi = (u.path for u in mine)
    schedule = nights()
    sent = next(n.at for n in schedule if n.tanggal == day)
    corrected = next(n.at for n in schedule if n.at.timestamp() >= mine[1].mtime)
    rows = con.execute(readme_query("Every decision ever taken on one district's files")).fetchall()
    assert [(at, f, status) for at, _, f, status, _, _ in rows] == [
        (sent, first, "loaded"),
        (corrected, revisi, "loaded"),
        (corrected, first, "superseded"),
    ]
    assert sent < corrected


def test_readme_correction_example_shows_two_different_versions(con):
    rows = con.execute(readme_query("How a figure was corrected")).fetchall()
    assert len(rows) == 2
    assert len({sudah for _, sudah, _ in rows}) == 2
    assert len({at for _, _, at in rows}) == 2


def test_figures_as_known_between_two_runs(con):
    schedule = nights()
    i = next(i for i, n in enumerate(schedule) if n.tanggal == date(2018, 4, 12))
    between = schedule[i].at + (schedule[i + 1].at - schedule[i].at) / 2
    known = con.execute(
        "select tanggal, belum_rekam from progres_provinsi_per(?) order by tanggal", [between]
    ).fetchall()
    assert known and known[-1][0] == date(2018, 4, 12)
    now = dict(con.execute("select tanggal, belum_rekam from progres_provinsi").fetchall())
    assert known[-1][1] == now[date(2018, 4, 12)]  # nothing corrected 12 April afterwards


def test_readme_as_known_example_shows_what_the_correction_changed(con):
    kab, day = KOREKSI
    rows = con.execute(readme_query("A district's figures as known")).fetchall()
    assert [r[0] for r in rows] == [day]
    ((raised,),) = con.execute(
        "select sum(sudah_rekam) filter (where file like '% revisi%')"
        " - sum(sudah_rekam) filter (where file not like '% revisi%')"
        " from riwayat_kecamatan where kode_kabupaten = ? and tanggal = ?",
        [kab, day],
    ).fetchall()
    assert rows[0][2] - rows[0][1] == raised > 0


def test_only_the_habitually_late_offices_are_late_in_april(con):
    late = con.execute(
        "select kode_kabupaten, tanggal from mutu_kabupaten"
        " where lapor and not tepat_waktu and tanggal >= date '2018-04-01'"
    ).fetchall()
    reported = con.execute(
        "select kode_kabupaten, tanggal from mutu_kabupaten where lapor and tanggal >= date '2018-04-01'"
    ).fetchall()
    assert set(late) == {(k, d) for k, d in reported if d.weekday() in LATE_DAYS.get(k, ())}
    assert len(late) < len(reported) / 10
