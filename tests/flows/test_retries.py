"""Only transient errors (I/O) are retried, with backoff; a rule failure or a bug never is."""

from __future__ import annotations

import re
from datetime import date

import pytest
from prefect import flow

from contract.errors import EktpError, TransientError, UnreadableFile
from flows import tasks


@pytest.fixture
def read_uploads(monkeypatch):
    """Replace the reading behind `read_batch` with a script of outcomes; count the attempts."""
    calls = []

    def install(*outcomes):
        def fake(files, today):
            outcome = outcomes[min(len(calls), len(outcomes) - 1)]
            calls.append(today)
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome

        monkeypatch.setattr(tasks.batches, "read_uploads", fake)
        return calls

    return install


@flow(name="uji-baca")
def reading():
    """The production task with its retry policy, without its waiting, inside a flow run."""
    return tasks.read_batch.with_options(retry_delay_seconds=0)(tasks.Parcel([]), date(2018, 4, 2)).items


def test_policy_is_three_retries_with_backoff():
    assert tasks.read_batch.retries == 3
    assert tasks.read_batch.retry_delay_seconds == [1, 5, 15]
    assert tasks.read_batch.retry_condition_fn is tasks._only_transient


def test_transient_error_is_retried_until_it_passes(prefect_server, read_uploads):
    calls = read_uploads(
        TransientError("berkas tidak dapat dibaca", file="5201/a.csv"),
        TransientError("berkas tidak dapat dibaca", file="5201/a.csv"),
        ["ok"],
    )
    assert reading() == ["ok"]
    assert len(calls) == 3


def test_transient_error_gives_up_after_the_retries(prefect_server, read_uploads):
    calls = read_uploads(TransientError("berkas tidak dapat dibaca", file="5201/a.csv"))
    with pytest.raises(TransientError, match=re.escape("5201/a.csv")):
        reading()
    assert len(calls) == 4  # one try and three retries


@pytest.mark.parametrize(
    "error",
    [
        EktpError("aturan gagal"),
        UnreadableFile("bukan tabel", file="5201/a.docx"),
        ValueError("a bug"),
    ],
)
def test_other_errors_are_never_retried(prefect_server, read_uploads, error):
    calls = read_uploads(error, ["never reached"])
    with pytest.raises(type(error)):
        reading()
    assert len(calls) == 1
