"""A file that vanished after the scan is not there this run, and the rest load; one that cannot
be read (no permission) is named and left for the next run, and a folder that cannot be read is
told in the log."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from prefect import flow

from contract.regions import load
from flows import tasks
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, discovered

D1 = date(2018, 4, 1)


@flow(name="uji-tidak-terbaca")
def reading(files: list) -> tuple[list[str], list[str]]:
    """The nightly's read step over `files`: the files read, in order, and those named unreadable."""
    unreadable: list[str] = []
    uploads = tasks.read_all(files, D1, 10, unreadable)
    return [u.source.file for u in uploads], unreadable


def test_a_vanished_file_is_left_out_and_the_others_are_read(tmp_path, prefect_server, monkeypatch):
    # The production retry policy, without its 1 + 5 + 15 s of waiting.
    monkeypatch.setattr(tasks, "read_batch", tasks.read_batch.with_options(retry_delay_seconds=0))
    land = tmp_path / "landing"
    day_file(land, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    gone = day_file(land, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    files = discovered(land, load("52").kabupaten_codes)
    gone.unlink()  # the district removed it between discovery and reading

    read, unreadable = reading(files)
    assert read == ["5272/lap_2018-04-01.csv"]
    # gone is not unreadable: no retry, not named; its new name (if renamed) is the next run's
    assert unreadable == []


# A process that cannot read what it has no permission for: under root (the tests' user here),
# `setpriv` drops the two capabilities that let root read any file and folder.
NO_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
READING = """
import json, logging, sys
from pathlib import Path
from contract.regions import load
from flows import tasks
from tests.flows.test_unreadable import reading
from tests.uploads import discovered

said = []
class Keep(logging.Handler):
    def emit(self, record):
        said.append(record.getMessage())
logging.getLogger("landing.inbox").addHandler(Keep())
# The production retry policy, without its 1 + 5 + 15 s of waiting.
tasks.read_batch = tasks.read_batch.with_options(retry_delay_seconds=0)
read, unreadable = reading(discovered(Path(sys.argv[1]), load("52").kabupaten_codes))
print(json.dumps({"read": sorted(read), "unreadable": unreadable, "said": said}))
"""


def read_without_permission(land: Path, prefect_server: str) -> dict:
    done = subprocess.run(
        [*NO_OVERRIDE, sys.executable, "-c", READING, str(land)],
        env={**os.environ, "PREFECT_API_URL": prefect_server},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_a_file_and_a_folder_it_cannot_read_are_named_and_left_for_the_next_run(tmp_path, prefect_server):
    land = tmp_path / "landing"
    day_file(land, "5272", KOTA_BIMA, D1, base=5_000, step=10)
    locked = day_file(land, "5272", KOTA_BIMA, D1, base=5_000, step=10, name="terkunci_2018-04-01.csv")
    day_file(land, "5208", LOMBOK_UTARA, D1, base=7_000, step=20)
    folder = land / "5208"
    locked.chmod(0)
    folder.chmod(0)
    try:
        first = read_without_permission(land, prefect_server)
    finally:
        folder.chmod(0o755)
        locked.chmod(0o644)
    # the readable file is read; the locked one is named, not decided; the folder is told in the log
    assert first["read"] == ["5272/lap_2018-04-01.csv"]
    assert first["unreadable"] == ["5272/terkunci_2018-04-01.csv"]
    assert [s for s in first["said"] if "5208" in s and "Permission denied" in s], first["said"]
    # the next run, which can read them, reads all three
    again = read_without_permission(land, prefect_server)
    assert again["read"] == [
        "5208/lap_2018-04-01.csv",
        "5272/lap_2018-04-01.csv",
        "5272/terkunci_2018-04-01.csv",
    ]
    assert again["unreadable"] == [] and again["said"] == []
