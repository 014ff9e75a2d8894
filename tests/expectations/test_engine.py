"""The Validator's hand-over (expectations/engine.py): results made in one place, docs built in another."""

from __future__ import annotations

import pickle
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from dateutil.parser import parse

from expectations import uploads
from expectations.engine import Validator
from tests.expectations.test_uploads import batch, ok

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_results_travel_to_the_run_validator(tmp_path):
    # a worker's validator (no Data Docs) is a pickled copy of the run's, named after the run; it
    # runs once; its record survives pickling (what Dask does). The run id's random tail reads, to
    # GX's date parser, as a zone offset of +80:04 ("7964" and the era "ad"), which fails if GX is
    # left to time the run itself.
    run = Validator(tmp_path / "docs", "20180403T180000Z-7964ad")
    worker = pickle.loads(pickle.dumps(run))
    assert worker.arrived and worker.run_name == run.run_name
    worker.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
    record = pickle.loads(pickle.dumps(worker.record()))
    assert record.runs == 1 and len(record.results) == len(uploads.SUITES)
    # the run's validator counts that run and renders its results into its own site, under the
    # run's name
    run.absorb(record)
    assert run.runs == 1
    assert run.build_docs() == tmp_path / "docs" / "index.html"
    found = list((tmp_path / "docs").rglob("validations/*/*/*/*.html"))
    assert {p.parent.parent.parent.name for p in found} == {s.name for s in uploads.SUITES}
    assert {p.parent.parent.name for p in found} == {"proses-20180403T180000Z-7964ad"}


@pytest.mark.parametrize("tail", ["7964ad", "2253ad", "abc123"])
def test_a_run_is_named_and_timed_for_gx_whatever_its_id_looks_like(tail):
    # GX reads a run name as a date with dateutil (to time the run, to title its pages): about one
    # random tail in 2,000 parses. "Z-7964ad" reads as the offset +80:04 (GX fails storing the
    # results, as a CI run met), "Z-2253ad" as +22:53 (a day off); "abc123" not at all.
    before = datetime.now(UTC)
    run_id = Validator(None, f"20180403T180000Z-{tail}")._run_id()
    after = datetime.now(UTC)
    name, time = run_id.to_tuple()
    assert name == f"proses-20180403T180000Z-{tail}"
    with pytest.raises(ValueError):
        parse(name)
    assert before <= datetime.strptime(time, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC) <= after


@pytest.mark.slow
def test_a_data_docs_folder_named_relatively_is_built(tmp_path, monkeypatch):
    # `ektp nightly --warehouse gudang/ektp.duckdb` names its Data Docs folder relatively; GX's
    # filesystem store takes only an absolute one (it refused with a ValueError, an exit 3 after
    # the data was published)
    monkeypatch.chdir(tmp_path)
    run = Validator(Path("gudang") / "data_docs")
    run.validate("unggahan", uploads.SUITES, batch(ok("527201")))
    assert run.build_docs() == tmp_path / "gudang" / "data_docs" / "index.html"
    assert (tmp_path / "gudang" / "data_docs" / "index.html").is_file()


@pytest.mark.slow
def test_two_warehouses_in_one_process_share_its_checkpoints_and_keep_their_own_data_docs(tmp_path):
    # A test worker, or a process that runs flows for several warehouses: GX's suites and
    # checkpoints are built once, each run's Data Docs go to its own folder with its own pages.
    first, second = Validator(tmp_path / "a" / "docs"), Validator(tmp_path / "b" / "docs")
    first.validate("unggahan", uploads.SUITES, batch(ok("527201")))
    second.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
    assert second._checkpoint("unggahan", uploads.SUITES) is first._checkpoint("unggahan", uploads.SUITES)
    for run, folder in ((first, tmp_path / "a" / "docs"), (second, tmp_path / "b" / "docs")):
        assert run.build_docs() == folder / "index.html"
    for run, folder in ((first, tmp_path / "a" / "docs"), (second, tmp_path / "b" / "docs")):
        pages = {p.relative_to(folder / "validations") for p in folder.rglob("validations/*/*/*/*.html")}
        own = {Path(*key.to_tuple()).with_suffix(".html") for key in run.record().results}
        assert pages == own and len(own) == len(uploads.SUITES)
        assert all(str(p.parent) in (folder / "index.html").read_text(encoding="utf-8") for p in own)


@pytest.mark.slow
def test_a_failed_expectation_keeps_its_count_and_sampled_values_not_their_counts(tmp_path):
    # BASIC results: the count the findings are checked against and the Data Docs' sample of
    # failing values; SUMMARY's count of each sampled value cost a quarter of every checkpoint run
    run = Validator(tmp_path / "docs")
    # 527206: a kecamatan the region codes do not know
    run.validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
    failed = [r for v in run.record().results.values() for r in v.results if not r.success]
    assert failed
    for r in failed:
        assert r.result["unexpected_count"] >= 1 and "partial_unexpected_list" in r.result
        assert "partial_unexpected_counts" not in r.result
    assert run.build_docs() == tmp_path / "docs" / "index.html"


def test_a_run_keeps_no_copy_of_the_rows(monkeypatch):
    # GX caches the last batch (a pandas copy of every row) on its engine; the Validator drops it
    import gc
    import weakref

    import polars as pl

    copies = []
    to_pandas = pl.DataFrame.to_pandas

    def spy(self, *args, **kwargs):
        frame = to_pandas(self, *args, **kwargs)
        copies.append(weakref.ref(frame))
        return frame

    monkeypatch.setattr(pl.DataFrame, "to_pandas", spy)  # a spy: the real conversion still runs
    Validator().validate("unggahan", uploads.SUITES, batch(ok("527201"), ok("527206")))
    gc.collect()
    assert len(copies) == 1 and copies[0]() is None


@pytest.mark.slow
def test_gx_is_imported_without_scipy_statistics_or_altair_until_something_uses_them():
    # A fresh interpreter, as the validation child is: a validation leaves scipy.stats and Altair
    # unexecuted (~1.1 s of GX's import), and the first use of each still works.
    probe = textwrap.dedent("""
        import sys, types
        from expectations import uploads
        from expectations.engine import Validator
        from tests.expectations.test_uploads import batch, ok
        rows = batch(ok("527201"), {**ok("527202"), "sudah_rekam": 20_000})
        found = Validator().validate("unggahan", uploads.SUITES, rows)
        real = lambda name: type(sys.modules[name]) is types.ModuleType
        import importlib.util  # a library asking whether a stand-in's module is there gets its spec
        specs = [importlib.util.find_spec(name).name for name in ("scipy.stats", "altair")]
        print(found.height, real("scipy.stats"), real("altair"), *specs)
        import scipy.stats, altair
        entropy = round(float(scipy.stats.entropy([0.5, 0.5])), 4)
        print(entropy, real("scipy.stats"), altair.Chart.__name__, real("altair"))
    """)
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split("\n")[:2] == ["1 False False scipy.stats altair", "0.6931 True Chart True"]
