"""What a run ended with, when Prefect cannot record its end (flows/outcome.py), and the terminal's
share of Prefect's news of a gone server (flows/environment.py). The whole of it, with a server
killed mid-run: tests/flows/test_failures.py."""

from __future__ import annotations

import logging

import httpx
import pytest
from prefect.exceptions import PrefectHTTPStatusError

from contract.errors import IncompleteRun, PrefectServerError
from flows import environment, outcome

URL = "http://127.0.0.1:4200/api"
GONE = httpx.ConnectError("[Errno 111] Connection refused")


def test_a_run_that_ended_keeps_its_summary_for_the_command():
    with outcome.kept() as ended:
        assert outcome.record_summary({"run_id": "r"}) == {"run_id": "r"}
    error = ended.unrecorded(URL, GONE)
    assert isinstance(error, outcome.RunNotRecorded) and isinstance(error, PrefectServerError)
    assert error.summary == {"run_id": "r"}
    assert str(error).startswith(
        f"run selesai (ringkasan di atas), tetapi server Prefect {URL} tidak menjawab"
    )
    assert "ConnectError: [Errno 111] Connection refused" in str(error)


def test_a_run_that_failed_keeps_its_own_error(caplog):
    failed = IncompleteRun("data sudah diterbitkan di w.duckdb, tetapi belum dibuat: laporan")
    with outcome.kept() as ended:
        outcome.record_error(failed)
    with caplog.at_level(logging.WARNING, logger="flows.outcome"):
        assert ended.unrecorded(URL, GONE) is failed
    assert f"akhir run tidak tercatat di server Prefect {URL}" in caplog.text


def test_a_run_that_did_not_end_says_the_server_stopped_answering():
    with outcome.kept() as ended:
        pass
    error = ended.unrecorded(URL, GONE)
    assert type(error) is PrefectServerError and "berhenti menjawab di tengah run" in str(error)


def test_outside_a_kept_block_nothing_is_recorded():
    assert outcome.record_summary({"a": 1}) == {"a": 1}
    outcome.record_error(ValueError("x"))  # no block: nothing to keep it, nothing raised


def _status(code: int) -> PrefectHTTPStatusError:
    request = httpx.Request("POST", URL + "/flow_runs/x/set_state")
    return PrefectHTTPStatusError("", request=request, response=httpx.Response(code, request=request))


@pytest.mark.parametrize(
    ("exc", "from_api"),
    [
        (GONE, True),
        (httpx.ReadTimeout("timed out"), True),
        (httpx.RemoteProtocolError("closed"), True),
        (_status(503), True),
        (_status(422), False),  # the server answered: a request of ours it refused is a bug
        (OSError("disk"), False),
        (ValueError("bug"), False),
        # Prefect's runner raises its task group's errors together (a serve whose server was killed)
        (ExceptionGroup("polls", [GONE, ExceptionGroup("inner", [_status(502)])]), True),
        (ExceptionGroup("polls", [GONE, ValueError("bug")]), False),
    ],
)
def test_which_errors_are_the_server_not_answering(exc, from_api):
    assert outcome.api_failure(exc) is from_api


def _record(name: str, level: int, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_the_terminal_shows_the_first_unreachable_warning_and_no_event_dumps(monkeypatch):
    monkeypatch.setattr(environment, "SHOW_RUN_TRACEBACKS", False)
    monkeypatch.setattr(environment.RunTracebacks, "unreachable_told", False)
    shown = environment.RunTracebacks()
    unreachable = (
        "prefect.events.clients",
        logging.WARNING,
        "Unable to connect to %r. Reason: %s.",
        "ws://x",
        "refused",
    )
    dump = (
        "prefect._internal.concurrency",
        logging.ERROR,
        "Service %r failed to process item %r",
        "EventsWorker",
        "Event(...)",
    )
    assert shown.filter(_record(*unreachable))
    assert not shown.filter(_record(*unreachable))
    assert not shown.filter(_record(*dump))
    # anything else of Prefect's still shows
    assert shown.filter(_record("prefect.events.clients", logging.WARNING, "something else"))


def test_prefect_s_internal_loggers_go_through_the_filter():
    # Prefect's logging configuration (flows/logging.yml) gives prefect._internal its own handler
    handlers = [
        h for h in logging.getLogger("prefect._internal").handlers if type(h).__module__.startswith("prefect")
    ]
    assert handlers, "Prefect's logging is configured in the test process (tests/conftest.py)"
    for handler in handlers:
        assert any(isinstance(f, environment.RunTracebacks) for f in handler.filters), handler
