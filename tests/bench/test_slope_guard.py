"""The per-file regression guard of issue 23 (bench/smoke.py), run by `make test`.

One child process measures, side by side, the real backfill's per-file slope and Python's csv
floor on the same generated files, then one more round with 3 ms added to every file through the
pipeline's own progress hook. Ratios only, never seconds: the first must stay within 2x the
ratio recorded in bench/smoke.json, and the slowed round must not, or the guard guards nothing.
The child reports to the session's Prefect server rather than starting one of its own (a fixed
cost, which the slope drops anyway).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import smoke

PROJECT = Path(__file__).resolve().parents[2]


# The smoke's priority over the other test processes (nice -10, inherited by its GX child). Its
# floor runs for milliseconds and its fastest run finds a moment with a whole core; the pipeline
# runs for seconds and gets its share of a core among the other workers' processes. Measured in
# `make test` with three workers at normal priority: 58x (29x alone minutes later); at -10,
# 35.5x in the next run (one run each; the recorded ratio is 36.4x, the limit 73x), and the proof
# round still 193x. Without the right to raise a priority (not root) it runs at normal priority.
PRIORITY = -10


def _smoke(*args: str) -> tuple[int, dict, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EKTP_", "PREFECT_"))}
    with subprocess.Popen(
        [sys.executable, "-m", "bench.smoke", *args],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        with contextlib.suppress(PermissionError):
            os.setpriority(os.PRIO_PROCESS, child.pid, PRIORITY)
        try:
            out, err = child.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            child.kill()
            out, err = child.communicate()
    lines = [line for line in out.splitlines() if line.startswith("{")]
    return child.returncode, json.loads(lines[-1]) if lines else {}, err[-3000:]


# The proof round's added cost per file. Its sleeps leave a core idle (3 ms: 8 s of this test, 4 ms
# took 11). 3 ms measured 122x the floor against the limit of 73x (docs/bench.md). Its single round
# is judged against the fastest floor of every round: once, under load, its own floor alone came
# out twice as slow and the proof passed at 68x.
PROVE_MS = 3


def test_per_file_slope_stays_within_twice_the_recorded_ratio_and_a_slower_file_fails(prefect_server):
    recorded = json.loads(smoke.BASELINE.read_text())["ratio"]
    # Two rounds of each size, not bench.smoke's three: the fastest of two already drops a run a
    # neighbour slowed (each round measures both sizes and the floor side by side, so a machine
    # slower throughout changes the ratio little), and the limit is twice the recorded ratio.
    code, figures, stderr = _smoke("--prove", str(PROVE_MS), "--repeat", "2", "--server", prefect_server)
    assert figures, stderr
    assert figures["recorded_ratio"] == recorded
    assert figures["limit"] == pytest.approx(smoke.TOLERANCE * recorded)
    # The pipeline as it is: its slope over the floor's within 2x the recorded ratio, or within it
    # when measured again at once (smoke.confirmed: the load of the other workers is not the files).
    retried: list[tuple[int, str]] = []

    def again() -> dict:
        again_code, again_figures, again_err = _smoke("--repeat", "2", "--server", prefect_server)
        assert again_figures, again_err
        retried.append((again_code, again_err))
        return again_figures

    measured = smoke.confirmed(figures, again)
    assert measured[-1]["ok"], "; ".join(
        f"per-file slope {m['pipeline_slope_s_per_1000']} s per 1,000 files is {m['ratio']}x the csv"
        f" floor's, above {m['limit']}x: {m}"
        for m in measured
    )
    code, stderr = retried[-1] if retried else (code, stderr)
    assert code == 0, stderr
    # The same pipeline with PROVE_MS more per file (the read step's real hook): the guard trips.
    proof = figures["proof"]
    assert proof["per_file_ms_added"] == PROVE_MS
    assert proof["pipeline_slope_s_per_1000"] > figures["pipeline_slope_s_per_1000"]
    assert not proof["ok"], f"{PROVE_MS} ms more per file passed the guard: {proof}"


def test_a_measurement_over_the_limit_is_taken_again_and_the_second_decides():
    taken: list[dict] = []

    def again(ok: bool):
        def measure() -> dict:
            taken.append({"ok": ok})
            return taken[-1]

        return measure

    assert smoke.confirmed({"ok": True}, again(False)) == [{"ok": True}]
    assert taken == []  # within the limit: not measured again
    assert smoke.confirmed({"ok": False}, again(False)) == [{"ok": False}, {"ok": False}]
    assert smoke.confirmed({"ok": False}, again(True))[-1] == {"ok": True}
    assert len(taken) == 2
