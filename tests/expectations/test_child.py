"""The validation child (expectations/child.py): the same findings, Data Docs and errors as a
Validator in the process, GX never imported in the process that asks, a killed child told as such."""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from contract.errors import Bug, EktpError
from expectations import uploads
from expectations.child import ChildValidator, ValidationProcessGone
from expectations.engine import Expectation, Suite, Validator
from tests.expectations.test_history import D1, D2, findings, report
from tests.expectations.test_uploads import batch, ok

pytestmark = pytest.mark.slow  # every test starts a child that imports GX (~5 s)

# Rows that break rules of every upload suite: an unknown code, sudah_rekam over wajib_ktp, a name
# that is not the reference's.
ROWS = (
    ok("527201"),
    {**ok("527202"), "sudah_rekam": 20_000},
    ok("999999"),
    {**ok("527203"), "nama_kecamatan": "Bukan Namanya"},
)


def test_the_child_finds_what_a_validator_in_the_process_finds():
    frame = batch(*ROWS)
    here = Validator().validate("unggahan", uploads.SUITES, frame)
    child = ChildValidator()
    try:
        found = child.validate("unggahan", uploads.SUITES, frame)
    finally:
        child.close()
    assert found.height >= 3 and set(found["aturan"]) >= {"kecamatan_tidak_dikenal", "rekam_melebihi_wajib"}
    assert found.schema == here.schema
    assert found.sort("row_id", "aturan").equals(here.sort("row_id", "aturan"))
    assert child.runs == 1


def test_the_asking_process_never_imports_gx(tmp_path):
    # a fresh interpreter validates twice through the child and builds the Data Docs: the pages are
    # there, and neither GX nor pandas was ever imported in it
    probe = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from expectations import uploads
        from expectations.child import ChildValidator
        from tests.expectations.test_uploads import batch, ok
        v = ChildValidator(Path({str(tmp_path / "docs")!r}))
        v.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("999999")))
        v.validate("unggahan", uploads.SUITES, batch(ok("527202")))
        print(v.runs, v.build_docs(), sorted(m for m in ("great_expectations", "pandas") if m in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", str(tmp_path / "docs" / "index.html"), "[]"]
    pages = {p.parent.parent.parent.name for p in (tmp_path / "docs").rglob("validations/*/*/*/*.html")}
    assert pages == {s.name for s in uploads.SUITES}


def test_results_from_a_worker_reach_the_childs_data_docs(tmp_path):
    # what a Dask worker's copy ran (pickled back) is absorbed, counted and rendered by the child
    worker = pickle.loads(pickle.dumps(Validator()))
    assert worker.arrived
    worker.validate("unggahan", uploads.SUITES, batch(ok("527201")))
    record = pickle.loads(pickle.dumps(worker.returned()))
    run = ChildValidator(tmp_path / "docs")
    try:
        run.absorb(record)
        assert run.runs == 1
        assert run.build_docs() == tmp_path / "docs" / "index.html"
    finally:
        run.close()
    pages = {p.parent.parent.parent.name for p in (tmp_path / "docs").rglob("validations/*/*/*/*.html")}
    assert pages == {s.name for s in uploads.SUITES}


def test_a_validator_sent_to_another_process_arrives_as_an_empty_copy():
    run = ChildValidator(Path("/docs"))
    run.runs = 3
    copy = pickle.loads(pickle.dumps(run))
    assert type(copy) is Validator and copy.arrived and copy.data_docs == Path("/docs") and copy.runs == 0
    assert run.returned() is None  # the run's own keeps its results: nothing to absorb


def test_a_bug_in_the_child_is_raised_here_as_it_would_be_in_the_process():
    # a frame without a column the rules read: the same error class as in the process, a bug (exit 3)
    frame = batch(*ROWS).drop("wajib_ktp")
    with pytest.raises(Exception) as here:
        Validator().validate("unggahan", uploads.SUITES, frame)
    child = ChildValidator()
    try:
        with pytest.raises(type(here.value)) as there:
            child.validate("unggahan", uploads.SUITES, frame)
    finally:
        child.close()
    assert not isinstance(there.value, EktpError | OSError)
    assert any("Di proses validasi GX" in note for note in getattr(there.value, "__notes__", ()))


def test_a_machine_failure_in_the_child_stays_one(tmp_path):
    # Data Docs under a regular file cannot be written: an OSError there is an OSError here (exit 2)
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    child = ChildValidator(blocker / "docs")
    try:
        child.validate("unggahan", uploads.SUITES, batch(ok("527201")))
        with pytest.raises(OSError) as failed:
            child.build_docs()
    finally:
        child.close()
    assert failed.value.errno in (errno.ENOTDIR, errno.EEXIST)


def test_a_suite_the_child_does_not_know_is_a_bug():
    rule = uploads.SUITES[0].rules[0]
    own = (Suite("buatan_tes", (Expectation(**{**rule.__dict__, "aturan": rule.aturan}),)),)
    with pytest.raises(Bug, match="suite"):
        ChildValidator().validate("unggahan", own, batch(ok("527201")))


def test_a_killed_child_fails_the_validators_that_used_it_and_the_next_run_gets_a_new_one(tmp_path):
    first = ChildValidator(tmp_path / "docs")
    first.validate("unggahan", uploads.SUITES, batch(ok("527201")))
    (pid,) = _validation_children()
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ValidationProcessGone) as gone:
        first.validate("unggahan", uploads.SUITES, batch(ok("527202")))
    assert isinstance(gone.value, EktpError)  # the machine's doing: exit 2, one line
    with pytest.raises(ValidationProcessGone):  # its first run's results went with the child
        first.build_docs()
    first.close()
    second = ChildValidator()
    try:
        # a history check (the run's second GX run) in the new child: sudah_rekam fell since D1
        found = findings(second, [report("520801", D2, 10_000, 6_990)], [report("520801", D1, 10_000, 7_000)])
    finally:
        second.close()
    assert [f[0] for f in found] == ["rekam_menurun"] and second.runs == 1
    assert _validation_children() != [pid]


def _validation_children() -> list[int]:
    """This process's validation children (by their command line)."""
    me = os.getpid()
    found = []
    for child in Path(f"/proc/{me}/task/{me}/children").read_text().split():
        try:
            if b"expectations.child" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(int(child))
        except FileNotFoundError:
            continue
    return found


def test_the_child_executes_neither_sqlalchemy_nor_altair(tmp_path, monkeypatch):
    # GX imports both at its import (SQL data sources, one expectation's chart), ~0.55 s of each
    # child's start, and we use neither. Stand-ins that leave a mark when executed come first on
    # the child's path: none may be executed while the child validates and renders the Data Docs.
    marks = tmp_path / "marks"
    for name in ("sqlalchemy", "altair"):
        package = tmp_path / "path" / name
        package.mkdir(parents=True)
        # executed: a mark, and as if not installed (GX imports SQLAlchemy only if it can)
        (package / "__init__.py").write_text(f"open({str(marks / name)!r}, 'w').close()\nraise ImportError\n")
    marks.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "path"))  # the child inherits it
    child = ChildValidator(tmp_path / "docs")
    try:
        found = child.validate("unggahan", uploads.SUITES, batch(*ROWS))
        assert child.build_docs() == tmp_path / "docs" / "index.html"
    finally:
        child.close()
    assert set(found["aturan"]) >= {"kecamatan_tidak_dikenal", "rekam_melebihi_wajib"}
    assert sorted(p.name for p in marks.iterdir()) == []
