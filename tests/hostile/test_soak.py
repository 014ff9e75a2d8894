"""Ten nights: each adds the day's good files and three hostile entries, and half the nights the
run is killed (SIGKILL) at a random moment. Afterwards the warehouse equals a clean replay of the
good files, and every night's good files are loaded: no night was skipped."""

from __future__ import annotations

import os
import random
import signal
import time
from datetime import timedelta

import pytest

from tests.hostile import corpus
from tests.hostile.conftest import nightly as clean_nightly
from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, dump, one
from tests.warehouse.zygote_client import Zygote, gone

NIGHTS = [corpus.D1 + timedelta(days=i) for i in range(10)]
HOSTILE_A_NIGHT = 3
# Entries heavy to build (megabytes, 100,000 rows) are covered by test_hostile; the soak draws
# from the others, three a night (30 entries over the ten nights; each night costs ~2 s of a
# test run, so fewer nights with more entries each rather than a fortnight of two).
LIGHT = [
    c
    for c in corpus.CASES
    if not c.name.startswith(("bom zip", "CSV 1 juta", "CSV 100.001", "99.999", "satu sel"))
]
FIGURES = ("progres_kecamatan", "progres_kabupaten", "progres_provinsi")


def good_files(landing, day) -> None:
    day_file(landing, "5272", KOTA_BIMA, day, base=5_000, step=10)
    day_file(landing, "5208", LOMBOK_UTARA, day, base=7_000, step=20)


@pytest.mark.timeout(600)
def test_ten_nights_with_hostile_files_and_kills(tmp_path, cli_env):
    rng = random.Random(2018)
    landing, warehouse = tmp_path / "landing", tmp_path / "gudang" / "ektp.duckdb"
    hostile = rng.sample(LIGHT, HOSTILE_A_NIGHT * len(NIGHTS))
    killed = set(rng.sample(range(1, len(NIGHTS) - 1), 5))
    env = {**cli_env, "EKTP_TODAY": (NIGHTS[-1] + timedelta(days=1)).isoformat(), "EKTP_MIN_AGE_SECONDS": "0"}
    zygote = Zygote(env)
    codes, kills = [], 0
    try:
        for i, day in enumerate(NIGHTS):
            good_files(landing, day)
            for case in hostile[HOSTILE_A_NIGHT * i : HOSTILE_A_NIGHT * (i + 1)]:
                case.make(landing)
            args = [
                "nightly",
                "--date",
                day.isoformat(),
                "--landing",
                str(landing),
                "--warehouse",
                str(warehouse),
            ]
            if i not in killed:
                codes.append(zygote.run(args, wait=True)["status"])
                continue
            pid = zygote.run(args, wait=False)["pid"]
            time.sleep(rng.uniform(0.05, 2.5))  # anywhere from start-up to past publishing
            try:
                os.kill(pid, signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
            while not gone(pid):
                time.sleep(0.05)
    finally:
        zygote.close()
    assert codes == [0] * len(codes) and kills >= 3
    assert not [p for p in warehouse.parent.iterdir() if p.name.endswith(".katalog")]
    # every night's good files were decided and loaded, those of killed nights by the next night
    status = dict(one(warehouse, "select file, status from unggahan"))
    for day in NIGHTS:
        for kab in ("5272", "5208"):
            assert status.get(f"{kab}/lap_{day.isoformat()}.csv") == "loaded", (kab, day)
    # the figures are those of one clean run over the good files alone
    clean = tmp_path / "bersih"
    for day in NIGHTS:
        good_files(clean / "landing", day)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EKTP_TODAY", env["EKTP_TODAY"])
        replay = clean_nightly(clean / "landing", clean / "gudang" / "ektp.duckdb", NIGHTS[-1])
    assert replay.code == 0
    for table in FIGURES:
        assert dump(warehouse, table).equals(dump(replay.warehouse, table)), table
