"""Receipts owed (CONTRACT §2): committed with the decisions; written atomically after the commit;
a run that could not write them leaves them owed, and the next run, even with nothing new, writes
them first. A file whose status later changes is owed a new receipt that says so."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.flows.test_failures import ektp
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, one, write

D = date(2018, 4, 2)


def nightly(landing, warehouse) -> tuple[int, str, str]:
    return ektp("nightly", "--date", D.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse))


def run_ids(warehouse) -> list[str]:
    return [r for (r,) in one(warehouse, "select distinct run_id from unggahan order by 1")]


def receipts(folder, kabupaten: str) -> dict[str, dict]:
    """run id -> that run's JSON receipt for the district."""
    return {p.stem: json.loads(p.read_text()) for p in sorted((folder / kabupaten).glob("*.json"))}


@pytest.fixture
def landing(tmp_path, prefect_server):
    landing = tmp_path / "landing"
    day_file(landing, "5272", KOTA_BIMA, D, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, D, base=7_000, step=20)
    write(landing, "5208", "salah.csv", ["2018-04-02,520801,,100,900,,900"])
    return landing


def test_receipts_a_run_could_not_write_are_written_by_the_next_run(landing, tmp_path):
    # the receipts folder cannot be made (a file lies where it should be): the run publishes its data,
    # says the receipts are missing, exit 2; the next run, with nothing new, writes them first
    warehouse, folder = tmp_path / "gudang.duckdb", tmp_path / "tanda_terima"
    folder.write_text("bukan folder")
    code, _, err = nightly(landing, warehouse)
    assert code == 2 and "tanda terima" in err and "data sudah diterbitkan" in err
    (decided_by,) = run_ids(warehouse)
    assert one(warehouse, "select count(*) from unggahan") == [(3,)]
    folder.unlink()
    code, out, err = nightly(landing, warehouse)
    assert code == 0, err
    assert "Berkas diputuskan: 0" in out
    for kabupaten, files in (("5272", 1), ("5208", 2)):
        got = receipts(folder, kabupaten)
        assert list(got) == [decided_by]  # named by the run that decided the files
        assert got[decided_by]["run_id"] == decided_by and got[decided_by]["jumlah_berkas"] == files
    rejected = next(
        r for r in receipts(folder, "5208")[decided_by]["berkas"] if r["berkas"] == "5208/salah.csv"
    )
    assert rejected["status"] == "rejected"
    # written once: a third run writes nothing again
    assert nightly(landing, warehouse)[0] == 0
    assert sorted(p.name for p in (folder / "5208").iterdir()) == [f"{decided_by}.json", f"{decided_by}.txt"]


def test_a_run_killed_after_its_commit_leaves_its_receipts_owed(landing, tmp_path, cli_env):
    # SIGKILL right after the commit, when the receipts are about to be written: the next run writes them
    warehouse, folder = tmp_path / "gudang.duckdb", tmp_path / "tanda_terima"
    killer = (
        "import os, sys\n"
        "from pipeline import muat\n"
        "deliver = muat.deliver_receipts\n"
        "def die(con, folder):\n"
        "    if con.execute('select count(*) from tanda_terima_terutang').fetchone()[0]:\n"
        "        os.kill(os.getpid(), 9)\n"
        "    return deliver(con, folder)\n"
        "muat.deliver_receipts = die\n"
        "from ektp.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            killer,
            "nightly",
            "--date",
            D.isoformat(),
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=cli_env,
    )
    assert done.returncode == -9
    assert not folder.exists()
    code, _, err = nightly(landing, warehouse)
    assert code == 0, err
    (decided_by,) = run_ids(warehouse)
    assert list(receipts(folder, "5272")) == [decided_by] and list(receipts(folder, "5208")) == [decided_by]


def test_a_file_superseded_later_is_owed_a_new_receipt_saying_so(landing, tmp_path):
    # a correction arrives: the first file's new receipt (from the correcting run) says it was replaced
    warehouse, folder = tmp_path / "gudang.duckdb", tmp_path / "tanda_terima"
    assert nightly(landing, warehouse)[0] == 0
    (first_run,) = run_ids(warehouse)
    day_file(
        landing,
        "5272",
        KOTA_BIMA,
        D,
        base=6_000,
        step=10,
        name="koreksi.csv",
        when=datetime.now(UTC),
    )
    assert nightly(landing, warehouse)[0] == 0
    (second_run,) = set(run_ids(warehouse)) - {first_run}
    got = receipts(folder, "5272")
    assert set(got) == {first_run, second_run}
    later = {r["berkas"]: r for r in got[second_run]["berkas"]}
    assert later["5272/lap_2018-04-02.csv"]["status"] == "superseded"
    assert later["5272/lap_2018-04-02.csv"]["mengapa"].startswith("digantikan oleh 5272/koreksi.csv")
    assert later["5272/koreksi.csv"]["status"] == "loaded"


def test_a_file_whose_path_got_other_bytes_is_told_it_was_replaced(landing, tmp_path):
    # the same path rewritten: the old version is retired (superseded), and its receipt says so
    warehouse, folder = tmp_path / "gudang.duckdb", tmp_path / "tanda_terima"
    assert nightly(landing, warehouse)[0] == 0
    old_sha = one(warehouse, "select sha256 from unggahan where file = '5272/lap_2018-04-02.csv'")[0][0]
    day_file(landing, "5272", KOTA_BIMA, D, base=6_000, step=10, when=datetime.now(UTC))
    assert nightly(landing, warehouse)[0] == 0
    last = max(receipts(folder, "5272").items())[1]
    versions = {(r["sha256"], r["status"]) for r in last["berkas"]}
    assert (old_sha, "superseded") in versions
    assert len([v for v in versions if v[1] == "loaded"]) == 1


def test_a_receipt_is_replaced_whole_or_not_at_all(tmp_path):
    # the atomic writer under a file-size limit (a full disk): the old receipt stays whole, no
    # temporary is left
    target = tmp_path / "r.json"
    target.write_text("lama")
    script = (
        "import resource, signal, sys\n"
        "from contract.files import write_atomic\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    write_atomic(sys.argv[1], 'x' * 100_000)\n"
        "except OSError as exc:\n"
        "    print(exc.errno)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(target)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "27", done.stderr  # EFBIG
    assert target.read_text() == "lama"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_receipts_of_many_files_stay_small():
    # 50,000 one-row files of one district: each file listed or counted; the receipt stays under 5 MB
    import polars as pl

    from reports import receipts as r

    n = 50_000
    when = datetime(2018, 4, 3, tzinfo=UTC)
    unggahan = pl.DataFrame(
        {
            "file": [f"5272/berkas-{i:05d}-{'x' * 60}.csv" for i in range(n)],
            "sha256": [f"{i:064x}" for i in range(n)],
            "kode_kabupaten": ["5272"] * n,
            "tanggal": [D - timedelta(days=i % 30) for i in range(n)],
            "status": ["rejected" if i % 10 == 0 else "superseded" for i in range(n)],
            "alasan": ["x"] * n,
            "baris": [1] * n,
            "tiba_pada": [when + timedelta(seconds=i) for i in range(n)],
        }
    )
    kualitas = pl.DataFrame(
        {
            "file": [f for f in unggahan["file"] for _ in range(3)],
            "sha256": [s for s in unggahan["sha256"] for _ in range(3)],
            "baris": [2] * (3 * n),
            "kode_kecamatan": ["527201"] * (3 * n),
            "kolom": ["sudah_rekam"] * (3 * n),
            "nilai": ["9" * 40] * (3 * n),
            "aturan": ["angka_tidak_valid"] * (3 * n),
            "tingkat": ["error"] * (3 * n),
            "pesan": ["baris 2 (527201): sudah_rekam bukan bilangan bulat " + "y" * 80] * (3 * n),
        }
    )
    (doc,) = r.documents(unggahan, kualitas, "run-1")
    assert len(doc.json.encode()) < 5_000_000 and len(doc.letter.encode()) < 5_000_000
    data = json.loads(doc.json)
    assert data["jumlah_berkas"] == n
    assert len(data["berkas"]) + data["berkas_lain"]["jumlah"] == n
    # what the office acts on comes first: every file listed in full before any superseded one is rejected
    assert {f["status"] for f in data["berkas"]} == {"rejected"}
    assert "dan " in doc.letter and "berkas lain" in doc.letter
