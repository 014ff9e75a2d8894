"""The Validator's hand-over (expectations/engine.py): results made in one place, docs built in another."""

from __future__ import annotations

import pickle

from expectations import uploads
from expectations.engine import Validator
from tests.expectations.test_uploads import batch, ok


def test_results_travel_to_the_run_validator(tmp_path):
    # a worker's validator (no Data Docs) runs once; its record survives pickling (what Dask does)
    worker = Validator()
    worker.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
    record = pickle.loads(pickle.dumps(worker.record()))
    assert record.runs == 1 and len(record.results) == len(uploads.SUITES)
    # the run's validator counts that run and renders its results into its own site
    run = Validator(tmp_path / "docs")
    run.absorb(record)
    assert run.runs == 1
    assert run.build_docs() == tmp_path / "docs" / "index.html"
    pages = {p.parent.parent.parent.name for p in (tmp_path / "docs").rglob("validations/*/*/*/*.html")}
    assert pages == {s.name for s in uploads.SUITES}
