"""Sign-off and lock (issue 22, CONTRACT §3 `setujui`, `kunci`, `buka-kunci`): a locked date's
figures and statuses do not move, a new file for it is refused as `periode_terkunci` and decided
again once the date is opened; a sign-off is withdrawn when a later file changes a signed figure."""

from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from polars.testing import assert_frame_equal

from contract.errors import UsageError
from flows.backfill import backfill
from flows.nightly import nightly
from pipeline import muat, tindakan
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, WITA, day_file, dump, one, run_settings
from warehouse import store

DAYS = [date(2018, 4, d) for d in range(1, 5)]
FIGURES = ("progres_kecamatan", "progres_kabupaten")


@pytest.fixture
def world(tmp_path, prefect_server):
    land = tmp_path / "landing"
    for d in DAYS:
        day_file(land, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(land, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    wh = tmp_path / "gudang.duckdb"
    nightly(tanggal=DAYS[-1], settings=run_settings(land, wh))
    return land, wh


def figures(wh, kab, until):
    """The district's figures up to `until`, from every figures relation."""
    return {
        t: dump(wh, t).filter((dump(wh, t)["kode_kabupaten"] == kab) & (dump(wh, t)["tanggal"] <= until))
        for t in FIGURES
    }


def correction(land, day, name="koreksi"):
    """A later file of Kota Bima for `day` with other figures (base moved by 3)."""
    stamp = datetime.combine(DAYS[-1], time(20), tzinfo=WITA)
    return day_file(land, "5272", KOTA_BIMA, day, base=5_003, step=10, name=f"{name}_{day}.csv", when=stamp)


def status(wh, kab, day):
    return one(wh, "select status from status_data where kode_kabupaten = ? and tanggal = ?", [kab, day])[0][
        0
    ]


def test_a_locked_date_refuses_a_new_file_and_takes_it_once_opened(world):
    land, wh = world
    settings = run_settings(land, wh)
    tindakan.kunci(settings, DAYS[1], ["5272"], "Kabid Dafduk Provinsi")
    assert [status(wh, "5272", d) for d in DAYS] == ["dikunci", "dikunci", "sementara", "sementara"]
    assert status(wh, "5208", DAYS[0]) == "sementara"  # another district is not locked
    before = figures(wh, "5272", DAYS[1])

    path = correction(land, DAYS[1])
    nightly(tanggal=DAYS[-1], settings=settings)
    # the file is kept and decided (rejected, periode_terkunci), the figures did not move
    rel = path.relative_to(land).as_posix()
    assert one(wh, "select status from unggahan where file = ?", [rel]) == [("rejected",)]
    (pesan,) = one(
        wh, "select pesan from kualitas_data where file = ? and aturan = 'periode_terkunci'", [rel]
    )[0]
    assert "Kabid Dafduk Provinsi" in pesan and "5272" in pesan and "2 April 2018" in pesan
    for t, frame in figures(wh, "5272", DAYS[1]).items():
        assert_frame_equal(frame, before[t]), t
    # the district's receipt says who locked it and whom to ask
    receipts = sorted((wh.parent / "tanda_terima" / "5272").glob("*.txt"))
    assert "dikunci oleh Kabid Dafduk Provinsi" in receipts[-1].read_text()
    assert "mintalah Kabid Dafduk Provinsi" in receipts[-1].read_text()

    # rebuild-marts and a backfill over the locked range leave it as it is
    with store.writing(wh, "52") as session:
        muat.rebuild_marts(session, __import__("contract.regions").regions.load("52"))
        session.publish()
    backfill(start=DAYS[0], end=DAYS[-1], settings=settings)
    assert one(wh, "select status from unggahan where file = ?", [rel]) == [("rejected",)]
    for t, frame in figures(wh, "5272", DAYS[1]).items():
        assert_frame_equal(frame, before[t]), t

    # opened again (with a reason): the next run decides the file that waited
    with pytest.raises(UsageError):
        tindakan.buka_kunci(settings, "5272", DAYS[1], "  ", "Kabid")
    tindakan.buka_kunci(settings, "5272", DAYS[1], "koreksi Dukcapil Kota Bima", "Kabid Dafduk Provinsi")
    assert [status(wh, "5272", d) for d in DAYS[:2]] == ["dikunci", "sementara"]
    nightly(tanggal=DAYS[-1], settings=settings)
    assert one(wh, "select status from unggahan where file = ?", [rel]) == [("loaded",)]
    assert one(
        wh,
        "select sum(sudah_rekam) from progres_kecamatan where kode_kabupaten = '5272' and tanggal = ?",
        [DAYS[1]],
    ) == [(sum(5_003 + i + 10 for i in range(5)),)]
    # every action is a row, never deleted
    assert one(wh, "select tindakan, atas, oleh, alasan from persetujuan order by urutan") == [
        ("dikunci", "kunci", "Kabid Dafduk Provinsi", None),
        ("dibuka", "kunci", "Kabid Dafduk Provinsi", "koreksi Dukcapil Kota Bima"),
    ]


def test_a_sign_off_is_withdrawn_and_the_district_told_when_a_file_changes_a_signed_figure(world):
    land, wh = world
    settings = run_settings(land, wh)
    tindakan.setujui(settings, "5272", DAYS[2], "Kadis Dukcapil Kota Bima")
    tindakan.setujui(settings, "5208", DAYS[2], "Kadis Dukcapil KLU")
    tindakan.kunci(settings, DAYS[0], ["5272"], "Provinsi")
    # locked wins over signed off
    assert [status(wh, "5272", d) for d in DAYS] == ["dikunci", "disetujui", "disetujui", "sementara"]

    # the same figures again in a new file: nothing signed changed, the sign-off stays
    day_file(land, "5208", LOMBOK_UTARA, DAYS[1], base=7_000, step=20, name="sama.csv")
    correction(land, DAYS[1])
    nightly(tanggal=DAYS[-1], settings=settings)
    assert [status(wh, "5208", d) for d in DAYS[:3]] == ["disetujui"] * 3
    assert [status(wh, "5272", d) for d in DAYS] == ["dikunci", "sementara", "sementara", "sementara"]
    rows = one(
        wh,
        "select kode_kabupaten, sampai_tanggal, tindakan, atas, oleh from persetujuan where oleh = 'sistem'",
    )
    assert rows == [("5272", DAYS[1], "dibuka", "persetujuan", "sistem")]
    receipt = sorted((wh.parent / "tanda_terima" / "5272").glob("*.json"))[-1]
    told = json.loads(receipt.read_text())["persetujuan_ditarik"]
    assert told["dari"] == DAYS[1].isoformat() and told["berkas"] == [f"5272/koreksi_{DAYS[1]}.csv"]
    assert "ditarik" in sorted((wh.parent / "tanda_terima" / "5272").glob("*.txt"))[-1].read_text()


def test_actions_refuse_what_is_out_of_scope_or_in_the_future(world):
    land, wh = world
    settings = run_settings(land, wh, today=DAYS[-1])
    with pytest.raises(UsageError, match="di luar cakupan"):
        tindakan.kunci(settings, DAYS[0], ["5301"], "x")
    with pytest.raises(UsageError, match="sesudah hari ini"):
        tindakan.setujui(settings, "5272", date(2018, 5, 1), "x")
    with pytest.raises(UsageError, match="--oleh"):
        tindakan.setujui(settings, "5272", DAYS[0], " ")


def test_one_district_acts_are_refused_a_list_and_who_and_why_hidden_characters(world):
    land, wh = world
    settings = run_settings(land, wh)
    for listed in ("5272,5208", "5272, 5208", ","):
        with pytest.raises(UsageError, match="tulis satu kode kabupaten/kota") as refused:
            tindakan.setujui(settings, listed, DAYS[0], "Kadis")
        assert f"'{listed}'" in refused.value.message  # as typed, not "out of scope"
        with pytest.raises(UsageError, match="tulis satu kode kabupaten/kota"):
            tindakan.buka_kunci(settings, listed, DAYS[0], "koreksi", "Kabid")
    # who acted and why are kept and shown: a control character, a line break or a direction mark
    # is refused, and written out in the refusal
    for oleh, shown in (("Kadis\x1b[31m", "Kadis\\x1b[31m"), ("Kadis \u202eBima", "Kadis \\u202eBima")):
        with pytest.raises(UsageError, match="oleh memuat karakter tersembunyi") as refused:
            tindakan.setujui(settings, "5272", DAYS[0], oleh)
        assert shown in refused.value.message and oleh not in refused.value.message
    with pytest.raises(UsageError, match="alasan memuat karakter tersembunyi: 'salah\\\\nketik'"):
        tindakan.buka_kunci(settings, "5272", DAYS[0], "salah\nketik", "Kabid")
    assert one(wh, "select count(*) from persetujuan") == [(0,)]
    # a district named twice, or with spaces, is one district: one row
    said = tindakan.kunci(settings, DAYS[0], ["5272", " 5272 ", ""], "Kabid")
    assert "Angka 1 kabupaten/kota (5272)" in said
    assert tindakan.setujui(settings, " 5208 ", DAYS[0], "  Kadis KLU ").startswith(
        "Angka kabupaten/kota 5208 sampai 1 April 2018 disetujui oleh Kadis KLU."
    )
    assert one(wh, "select kode_kabupaten, tindakan, oleh from persetujuan order by urutan") == [
        ("5272", "dikunci", "Kabid"),
        ("5208", "disetujui", "Kadis KLU"),
    ]
    # an unlock opens what is locked on its first day; else it is refused, nothing recorded (the
    # province's record of its locks would show an unlock of nothing)
    with pytest.raises(UsageError, match="angka kabupaten/kota 5208 tidak terkunci: belum pernah dikunci"):
        tindakan.buka_kunci(settings, "5208", DAYS[0], "koreksi", "Kabid")
    with pytest.raises(
        UsageError, match="5272 tidak terkunci pada 2 April 2018: terkunci sampai 1 April 2018"
    ):
        tindakan.buka_kunci(settings, "5272", DAYS[1], "koreksi", "Kabid")
    assert one(wh, "select count(*) from persetujuan") == [(2,)]


def test_the_commands_act_and_refuse_with_one_line(world, capsys):
    from ektp.cli import main

    land, wh = world
    common = ["--landing", str(land), "--warehouse", str(wh)]
    assert main(["kunci", "--sampai", "2018-04-01", "--kabupaten", "5208", "--oleh", "Kabid", *common]) == 0
    assert main(["setujui", "--kabupaten", "5272", "--sampai", "2018-04-03", "--oleh", "Kadis", *common]) == 0
    out = capsys.readouterr().out
    # --kabupaten given empty (a script's unset variable) is refused, not read as every district
    for empty in ("", " , "):
        assert (
            main(["kunci", "--sampai", "2018-04-01", "--kabupaten", empty, "--oleh", "Kabid", *common]) == 2
        )
        assert "--kabupaten kosong" in capsys.readouterr().err
    assert "dikunci oleh Kabid" in out and "disetujui oleh Kadis" in out
    assert status(wh, "5208", DAYS[0]) == "dikunci" and status(wh, "5272", DAYS[2]) == "disetujui"
    # no reason: refused by the program (usage, exit 2), nothing recorded
    args = ["buka-kunci", "--kabupaten", "5208", "--dari", "2018-04-01", "--oleh", "Kabid", *common]
    assert main(args) == 2
    assert main([*args, "--alasan", ""]) == 2
    assert "--alasan wajib" in capsys.readouterr().err
    assert one(wh, "select count(*) from persetujuan") == [(2,)]
    assert main([*args, "--alasan", "salah kunci"]) == 0
    assert status(wh, "5208", DAYS[0]) == "sementara"
