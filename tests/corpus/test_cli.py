"""End to end: the real `ektp nightly` program, as an operator runs it, on part of the corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.corpus import corpus
from tests.uploads import one

PART = {
    "5205/dompu_2018-04-01.csv": "loaded",
    "5205/dompu_2018-04-02.csv": "loaded",  # warning: a kecamatan missing
    "5205/dompu_2018-04-03.csv": "loaded",  # warning: a name
    "5208/catatan.txt": "rejected",  # no header: rejected whatever the date
    "5272/rekap_depan.csv": "rejected",  # dated after today: rejected when first seen
    "5208/kutip_2018-04-18.csv": None,  # dated after D, not after today: waits for its date
}


def test_nightly_command_on_part_of_the_corpus(tmp_path, cli_env):
    # exit 0 although files were rejected; the summary counts them per district, names who did
    # not report for D, and shows the same 2 GX runs as for the whole corpus
    landing, warehouse = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    for name in PART:
        (landing / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(corpus.CORPUS / "landing" / name, landing / name)
    env = {**cli_env, "EKTP_TODAY": corpus.TODAY.isoformat()}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ektp.cli",
            "nightly",
            "--date",
            "2018-04-03",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        cwd=os.getcwd(),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "Berkas diputuskan: 5 (validasi GX: 2 kali jalan)"
    assert "  5205  Kabupaten Dompu                   3       0       0       0          2" in lines
    assert "  5208  Kabupaten Lombok Utara            0       1       0       0          0" in lines
    assert "  5272  Kota Bima                         0       1       0       0          0" in lines
    (province,) = [line for line in lines if line.startswith("Provinsi 52 per 3 April 2018:")]
    assert province.endswith("kabupaten lapor 1")
    (missing,) = [line for line in lines if line.startswith("Tidak lapor 3 April 2018:")]
    assert "5208 Kabupaten Lombok Utara" in missing and "5205" not in missing
    assert "Menunggu tanggalnya: 1 berkas (5208/kutip_2018-04-18.csv)" in lines
    assert "Traceback" not in done.stdout + done.stderr
    # the warehouse agrees with the summary; the waiting file is not decided yet
    assert sorted(one(warehouse, "select file, status from unggahan")) == sorted(
        (f, s) for f, s in PART.items() if s
    )
