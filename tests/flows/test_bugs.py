"""A bug is told apart from a failure of the machine or the data (issue #19, item 4): a disk that
fills after publishing is an operations failure (exit 2, the data stays published), a programming
error in the same step is a bug (exit 3, one line naming it), and so is GX disagreeing with a rule's
Polars predicate (`ValidationMismatch`)."""

from __future__ import annotations

import errno

import pytest

from contract.errors import Bug, EktpError
from ektp import cli
from expectations import engine
from expectations.engine import ValidationMismatch
from flows import steps
from tests.flows.support import D3, tiny_landing


def nightly(tmp_path) -> int:
    landing = tiny_landing(tmp_path / "landing")
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    args = ["nightly", "--date", D3.isoformat(), "--landing", str(landing), "--warehouse", str(warehouse)]
    return cli.main(args)


def failing_with(exc: BaseException):
    def report(*args, **kwargs):
        raise exc

    return report


def stderr_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("ektp: ")]


def test_a_bug_after_publishing_is_exit_3(prefect_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(steps, "write_report", failing_with(KeyError("kolom_tidak_ada")))
    assert nightly(tmp_path) == 3
    (line,) = stderr_lines(capsys)
    assert line.startswith("ektp: galat internal (KeyError)") and "EKTP_DEBUG=1" in line
    assert (tmp_path / "gudang" / "ektp.duckdb").exists()  # what was published before stays


def test_a_full_disk_after_publishing_is_exit_2(prefect_server, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(steps, "write_report", failing_with(OSError(errno.ENOSPC, "No space left on device")))
    assert nightly(tmp_path) == 2
    (line,) = stderr_lines(capsys)
    assert line.startswith("ektp: galat: ") and "laporan (disk penuh [ENOSPC])" in line


def test_gx_disagreeing_with_polars_is_a_bug(prefect_server, tmp_path, monkeypatch, capsys):
    # the nightly's GX run counts a rule's failing rows, its Polars predicate finds them: two
    # counts that differ are a bug in the rule (exit 3), never the data's fault. (A receipt
    # applies the predicates alone: no GX count to differ from.)
    assert issubclass(ValidationMismatch, Bug) and not issubclass(ValidationMismatch, EktpError)

    def mismatch(rule, frame, gx_count):
        raise ValidationMismatch("GX dan Polars tidak sepakat", aturan=rule.aturan, gx=gx_count, polars=-1)

    monkeypatch.setattr(engine, "_locate", mismatch)
    # GX in this process: the run's validation child is a fresh interpreter, out of a monkeypatch's reach
    monkeypatch.setattr(steps, "ChildValidator", engine.Validator)
    assert nightly(tmp_path) == 3
    (line,) = stderr_lines(capsys)
    assert line.startswith("ektp: galat internal (ValidationMismatch)")


@pytest.mark.parametrize("exc", [OSError(errno.EACCES, "Permission denied"), EktpError("gudang data")])
def test_environment_failures_are_named_as_such(exc):
    from contract.errors import ENVIRONMENT_FAILURES

    assert isinstance(exc, ENVIRONMENT_FAILURES) and not isinstance(KeyError(), ENVIRONMENT_FAILURES)
