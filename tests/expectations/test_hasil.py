"""expectations/hasil.py: the Data Docs of a run made in a new process still list the last runs'
validations, up to KEPT runs; a kept file that cannot be read costs its pages, never the build."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from expectations import gx_context, hasil, uploads
from expectations.engine import Validator
from tests.expectations.test_uploads import batch, ok

pytestmark = pytest.mark.slow  # GX's import


def run_in_a_new_process(docs: Path, *kecamatan: str) -> set[Path]:
    """One run's validation and Data Docs, then its results dropped from this process's GX store,
    as a new process would not have them (each nightly is one); the pages it rendered."""
    run = Validator(docs)
    run.validate("unggahan", uploads.SUITES, batch(*(ok(k) for k in kecamatan)))
    assert run.build_docs() == docs / "index.html"
    store = gx_context.context()[0].validation_results_store
    for key in run._results:
        store.store_backend.remove_key(store.key_to_tuple(key))
    return {Path(*key.to_tuple()).with_suffix(".html") for key in run._results}


def pages(docs: Path) -> set[Path]:
    return {p.relative_to(docs / "validations") for p in docs.rglob("validations/*/*/*/*.html")}


def listed(docs: Path, run_pages: set[Path]) -> bool:
    index = (docs / "index.html").read_text(encoding="utf-8")
    return all(str(p.parent) in index for p in run_pages)


def test_a_run_in_a_new_process_keeps_the_last_runs_pages_in_its_data_docs(tmp_path):
    docs = tmp_path / "gudang" / "data_docs"
    first = run_in_a_new_process(docs, "527201")
    second = run_in_a_new_process(docs, "527201", "527206")
    assert len(first) == len(second) == len(uploads.SUITES) and not first & second
    assert pages(docs) == first | second
    assert listed(docs, first) and listed(docs, second)
    assert len(list(hasil.folder_of(docs).glob("*.json"))) == 2


def test_the_data_docs_keep_the_last_kept_runs_and_drop_older_pages(tmp_path, monkeypatch):
    monkeypatch.setattr(hasil, "KEPT", 2)
    docs = tmp_path / "data_docs"
    runs = [run_in_a_new_process(docs, "527201") for _ in range(3)]
    assert pages(docs) == runs[1] | runs[2]
    assert not listed(docs, runs[0]) and listed(docs, runs[1]) and listed(docs, runs[2])
    assert len(list(hasil.folder_of(docs).glob("*.json"))) == 2


def test_a_kept_file_that_cannot_be_read_costs_its_pages_not_the_build(tmp_path, caplog):
    docs = tmp_path / "data_docs"
    first = run_in_a_new_process(docs, "527201")
    (kept,) = hasil.folder_of(docs).glob("*.json")
    kept.write_text('[{"kunci": ["x"], "hasil": ', encoding="utf-8")  # cut short by a full disk
    with caplog.at_level(logging.WARNING, logger="expectations.hasil"):
        second = run_in_a_new_process(docs, "527206")
    assert pages(docs) == second and listed(docs, second) and not listed(docs, first)
    assert str(kept) in caplog.text and "tidak terbaca" in caplog.text
