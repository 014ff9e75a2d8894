"""Health and metrics: `/sehat` answers 200 with the last nightly, the publication, the disk and
the portal database, flips to 503 when the last nightly failed (a real nightly refused by the
warehouse's scope) and back when one succeeds; `ektp status` prints the same; `/metrics` answers
on loopback only, counting runs, files by status and the receipts' latency."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from contract.errors import EktpError
from portal import health
from tests import web_client
from tests.portal.support import TODAY, Browser, build_world, portal, run_nightly, valid_report
from tests.uploads import one
from warehouse import jejak, publish

PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, prefect_server):
    """A world of its own: these tests make its nightly fail."""
    return build_world(tmp_path_factory.mktemp("sehat"))


def _failed_nightly(world) -> None:
    """A real nightly that fails: another scope than the warehouse's, not asked to change it."""
    with pytest.raises(EktpError, match="cakupan provinsi 52"):
        run_nightly(world.settings.with_flags(provinsi="53"))


def test_sehat_is_ok_after_a_nightly_then_503_when_the_last_one_failed(fresh):
    with portal(fresh.settings) as url:
        answer = web_client.get(url + "/sehat")
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["status"] == "ok" and body["masalah"] == []
        assert body["pemeriksa"] == "siap"
        assert body["nightly"]["status"] == "berhasil" and body["nightly"]["umur_detik"] >= 0
        published = one(fresh.warehouse, "select max(nomor) from terbitan")[0][0]
        assert body["terbitan"]["nomor"] == published and body["terbitan"]["umur_detik"] >= 0
        assert body["disk"]["bebas_bytes"] > 0
        assert body["basis_data_portal"] == {"terjangkau": True}
        assert str(fresh.warehouse.parent) not in answer.text  # no path to the outside

        _failed_nightly(fresh)
        answer = web_client.get(url + "/sehat")
        assert answer.status_code == 503
        body = answer.json()
        assert body["status"] == "bermasalah" and body["nightly"]["status"] == "gagal"
        assert body["masalah"] == [f"nightly terakhir gagal ({body['nightly']['run_id']})"]
        assert "galat" not in body["nightly"]  # the error line names paths: `ektp status` shows it

        run_nightly(fresh.settings)
        assert web_client.get(url + "/sehat").status_code == 200


def test_ektp_status_prints_what_sehat_tells_with_the_error_line(fresh, tmp_path):
    _failed_nightly(fresh)
    env = {**os.environ, "EKTP_WAREHOUSE": str(fresh.warehouse), "EKTP_LANDING": str(fresh.landing)}
    command = [sys.executable, "-m", "ektp.cli", "status"]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, env=env, cwd=PROJECT)
    assert done.returncode == 1, done.stderr
    printed = json.loads(done.stdout)
    expected = health.gather(fresh.settings)
    assert printed["status"] == expected["status"] == "bermasalah"
    assert printed["masalah"] == expected["masalah"]
    assert printed["nightly"]["run_id"] == expected["nightly"]["run_id"]
    assert "cakupan provinsi 52" in printed["nightly"]["galat"]
    assert printed["terbitan"]["nomor"] == expected["terbitan"]["nomor"]
    assert printed["basis_data_portal"]["path"] == str(fresh.settings.portal_database)

    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT)
    assert done.returncode == 1 and done.stderr == ""
    lines = done.stdout.splitlines()
    assert lines[0] == "status: bermasalah"
    # times as the rest of the program says them (it printed 2026-12-07T10:32:04+00:00), and a
    # decimal comma
    when = r"\d{1,2} \w+ \d{4} \d\d\.\d\d WITA"
    assert re.fullmatch(rf"nightly: gagal \S+ \({when}, \d+ menit lalu\)", lines[1]), lines[1]
    assert re.fullmatch(rf"terbitan: nomor \d+ \({when}, \d+ menit lalu\)", lines[3]), lines[3]
    assert re.fullmatch(r"disk: \d+,\d GiB bebas dari \d+,\d GiB \(.+\)", lines[4]), lines[4]
    assert lines[2].startswith("  galat: UsageError: gudang data ini berisi cakupan provinsi 52")
    assert lines[-1] == f"masalah: nightly terakhir gagal ({expected['nightly']['run_id']})"

    run_nightly(fresh.settings)
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=PROJECT)
    assert done.returncode == 0 and done.stdout.startswith("status: ok\n")


def test_a_run_killed_outright_a_missed_night_and_a_full_disk_are_problems(fresh, tmp_path):
    settings = fresh.settings
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that is no longer running
    jejak.started(settings.warehouse, "nightly", "r-dibunuh")
    trace = jejak.read(settings.warehouse)
    trace["terakhir"]["nightly"]["pid"] = gone.pid
    jejak.path_of(settings.warehouse).write_text(json.dumps(trace))
    assert health.gather(settings)["masalah"] == ["nightly terakhir terputus (r-dibunuh)"]

    jejak.ended(settings.warehouse, "nightly", "r-dibunuh", "berhasil")
    trace = jejak.read(settings.warehouse)
    trace["terakhir"]["nightly"]["selesai"] = (datetime.now(UTC) - timedelta(hours=30)).isoformat()
    jejak.path_of(settings.warehouse).write_text(json.dumps(trace))
    found = health.gather(settings)
    assert found["masalah"] == ["nightly terakhir berhasil 30 jam lalu; jadwal 02:00 WITA terlewat"]

    run_nightly(settings)
    total = found["disk"]["total_bytes"]
    found = health.gather(settings, batas=health.Batas(disk_bebas_min=total + 1))
    assert len(found["masalah"]) == 1 and found["masalah"][0].startswith("ruang disk tinggal ")
    missing = health.gather(settings, portal_db=tmp_path / "tidak-ada.sqlite")
    assert missing["masalah"] == [
        "basis data portal belum ada; akun pertama dibuat dengan `ektp akun tambah`"
    ]
    assert f"basis data portal: belum ada ({tmp_path / 'tidak-ada.sqlite'})" in health.text(missing)
    (tmp_path / "rusak.sqlite").write_bytes(b"bukan sqlite" * 100)
    broken = health.gather(settings, portal_db=tmp_path / "rusak.sqlite")
    assert broken["masalah"] == ["basis data portal tidak terjangkau"]
    assert "basis data portal: TIDAK terjangkau" in health.text(broken)


def test_a_clock_behind_the_last_publication_is_a_problem(fresh, tmp_path):
    # The server's clock set back after a publication, or wrong at boot: the next nightly would be
    # refused (warehouse/store.py). The monitor says so first. The state is a publication stamped
    # two hours after the clock's now, as a clock set back two hours leaves it.
    source = fresh.settings.warehouse
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    shutil.copytree(publish.folder_of(source), publish.folder_of(copy))
    with duckdb.connect(str(copy)) as con:
        con.execute("update terbitan set diterbitkan_pada = now() + interval 2 hour")
    found = health.gather(fresh.settings.with_flags(warehouse=copy), portal_db=fresh.settings.portal_database)
    (problem,) = found["masalah"]
    assert problem.startswith("jam mesin ini (") and " lebih awal dari terbitan terakhir (" in problem
    assert problem.endswith("): periksa jam sistem (timedatectl)")
    assert f"masalah: {problem}" in health.text(found)
    # the warehouse it was copied from, published by this clock, is not
    assert health.gather(fresh.settings)["masalah"] == []


def test_a_fresh_install_is_healthy_before_its_first_nightly(tmp_path, prefect_server):
    world = build_world(tmp_path, nightly=False)
    found = health.gather(world.settings)
    assert (found["status"], found["nightly"], found["terbitan"]) == ("ok", None, None)


def _metric(text: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert found, f"{name} not in metrics"
    return float(found[1])


def test_metrics_on_loopback_count_runs_files_and_receipts(fresh):
    with portal(fresh.settings) as url:
        before = web_client.get(url + "/metrics")
        assert before.status_code == 200
        assert before.headers["content-type"].startswith("text/plain")
        ends = jejak.counts(fresh.warehouse)["nightly"]
        for end, n in ends.items():
            assert _metric(before.text, f'ektp_proses_total{{hasil="{end}",jenis="nightly"}}') == n
        for status in ("loaded", "rejected"):
            n = one(fresh.warehouse, "select count(*) from unggahan where status = ?", [status])[0][0]
            assert _metric(before.text, f'ektp_berkas{{status="{status}"}}') == n > 0
        assert _metric(before.text, "ektp_sehat") in (0.0, 1.0)
        sent = _metric(before.text, "ektp_tanda_terima_detik_count")

        with Browser(url) as b:
            assert b.login("lobar").status_code == 303
            assert b.upload("5201", ("lap.csv", valid_report(TODAY))).status_code == 200
        after = web_client.get(url + "/metrics").text
        assert _metric(after, "ektp_tanda_terima_detik_count") == sent + 1
        assert _metric(after, 'ektp_tanda_terima_detik_bucket{le="+Inf"}') == sent + 1

        # Not for anyone a proxy forwarded, whatever the address.
        assert web_client.get(url + "/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404
        assert web_client.get(url + "/metrics", headers={"Forwarded": "for=127.0.0.1"}).status_code == 404


def test_the_latest_reminders_and_digest_are_told_without_making_a_problem(tmp_path):
    # a mail server that fails was told nowhere but in logs and /metrics: `ektp status` shows the
    # latest round of each kind, each recipient by its last try, and the answer stays ok
    from contract import regions
    from flows import pengingat

    world = build_world(tmp_path, nightly=False)  # the rows are written as a round writes them
    settings = world.settings
    day, later = datetime(2018, 4, 4, 12, tzinfo=UTC), datetime(2018, 4, 4, 13, tzinfo=UTC)

    def tried(kode, tujuan, ok, when, jenis="pengingat", tanggal=TODAY):
        return {
            "dikirim_pada": when, "tanggal": tanggal, "kode_kabupaten": kode, "saluran": "surel",
            "tujuan": tujuan, "berhasil": ok, "pesan": "x", "jenis": jenis, "kecamatan": "520101",
        }  # fmt: skip

    pengingat.record(
        settings,
        regions.load("52"),
        [
            tried("5201", "a@lobar.go.id", False, day, tanggal=TODAY - timedelta(days=1)),  # an older round
            tried("5201", "a@lobar.go.id", False, day),
            tried("5201", "a@lobar.go.id", True, later),  # sent again later: reached
            tried("5272", "b@bima.go.id", False, later),
            tried("5208", "c@klu.go.id", True, later),
            tried(None, "prov@ntb.go.id", True, later, jenis="ringkasan"),
        ],
    )
    found = health.gather(settings)
    assert found["status"] == "ok" and found["masalah"] == []
    assert found["pengingat"] == [
        {
            "jenis": "pengingat",
            "tanggal": str(TODAY),
            "terkirim": 2,
            "gagal": 1,
            "terakhir_pada": later.isoformat(),
        },
        {
            "jenis": "ringkasan",
            "tanggal": str(TODAY),
            "terkirim": 1,
            "gagal": 0,
            "terakhir_pada": later.isoformat(),
        },
    ]
    lines = health.text(found).splitlines()
    assert "pengingat 4 April 2018: 2 terkirim, 1 gagal (terakhir 4 April 2018 21.00 WITA)" in lines
    assert "ringkasan 4 April 2018: 1 terkirim, 0 gagal (terakhir 4 April 2018 21.00 WITA)" in lines


def test_a_failed_run_s_error_line_reaches_the_terminal_with_its_hidden_characters_written_out():
    # the line may name a landing file, whose name a district chose: it was printed raw
    found = {
        "status": "bermasalah",
        "masalah": ["nightly terakhir gagal (r-1)"],
        "nightly": {"status": "gagal", "run_id": "r-1", "selesai": None, "mulai": None, "umur_detik": None,
                    "galat": "PermissionError: izin ditolak: '/srv/landing/5201/\x1b[2Jx\u202e.csv'"},
        "terbitan": None,
        "disk": {"bebas_bytes": 0, "total_bytes": 0, "folder": "/srv"},
        "basis_data_portal": {"terjangkau": True, "path": "/srv/portal.sqlite"},
        "pengingat": [],
    }  # fmt: skip
    (line,) = [x for x in health.text(found).splitlines() if x.startswith("  galat:")]
    assert line == "  galat: PermissionError: izin ditolak: '/srv/landing/5201/\\x1b[2Jx\\u202e.csv'"
    assert line.isprintable()
