"""Runs rule suites through Great Expectations on a whole batch and attributes failures to rows.

GX decides which expectations fail, on every row of every file of the batch at once (one
checkpoint run, about half a second, whatever the number of files). GX results are kept to
BASIC, whose cost does not grow with the number of failing rows: each expectation's count of
failing rows and up to 20 sampled values, which the Data Docs show. SUMMARY's counts of each
sampled value cost a quarter more of every checkpoint run (127 against 97 ms for the upload
suites on six rows) and told nothing the run's findings do not. The failing rows of a failed
expectation are located by the rule's own Polars predicate, and the two counts must agree.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from contract import rules
from contract.columns import FINDING_SCHEMA
from contract.errors import Bug
from contract.formats import angka
from expectations import datadocs, gx_context, hasil


@dataclass(frozen=True)
class Expectation:
    """One CONTRACT §2 rule: a GX expectation and the same predicate in Polars."""

    aturan: str
    kolom: str
    kind: str  # a class of great_expectations.expectations
    kwargs: dict[str, Any]
    failing: pl.Expr  # true on the rows that break the rule, as GX counts them
    pesan: Callable[[dict], str]  # the operator's sentence for one failing row
    nilai: Callable[[dict], str]

    @property
    def tingkat(self) -> str:
        return rules.level(self.aturan)

    @property
    def key(self) -> str:
        return f"{self.aturan}:{self.kolom}"

    @property
    def columns(self) -> tuple[str, ...]:
        k = self.kwargs
        return tuple(k.get("column_list", ())) + tuple(
            k[c] for c in ("column", "column_A", "column_B") if c in k
        )

    def expectation(self):
        """The GX expectation, tagged with the rule so results map back without guessing."""
        return getattr(gx_context.imported().expectations, self.kind)(meta={"rule": self.key}, **self.kwargs)


@dataclass(frozen=True)
class Suite:
    name: str
    rules: tuple[Expectation, ...]


class ValidationMismatch(Bug):
    """GX and the Polars predicate of a rule disagree: a bug in the rule, never in the data."""


@dataclass(frozen=True)
class Validations:
    """What a Validator ran in another process (a Dask worker): its run count and GX results."""

    runs: int
    results: dict[Any, Any]  # ValidationResultIdentifier -> ExpectationSuiteValidationResult (picklable)


# GX checkpoints by name and rules: built once per process, shared by its Validators.
_CHECKPOINTS: dict[tuple, Any] = {}
# GX contexts, checkpoints and execution engines are not made to be shared between threads: one
# validation at a time per process (a run validates one batch at a time anyway; the portal's
# checker thread and a flow run in the same process must not interleave).
_GX_LOCK = threading.RLock()


class Validator:
    """A GX context for one run; counts the checkpoint runs it made.

    Handed to a task that runs in another process (a Dask worker), it arrives there empty, as a
    copy (`arrived`) with the same Data Docs folder: what the copy ran goes back with the task's
    result (`returned`), for the run's own Validator to absorb."""

    arrived = False  # a copy made in another process from the run's Validator (pickled)

    def __init__(self, data_docs: Path | None = None, run_name: str | None = None) -> None:
        # Absolute: GX's filesystem store refuses a relative folder (`--warehouse gudang/x.duckdb`).
        self.data_docs = Path(data_docs).absolute() if data_docs else None
        # The run's id: the Data Docs list each validation under it ("Run Name"), so that one of
        # the last runs' is told apart and found in the warehouse and the receipts.
        self.run_name = run_name
        self.runs = 0
        self._results: list[Any] = []

    def __reduce__(self) -> tuple[Callable[..., Validator], tuple[Path | None, str | None]]:
        return (_arrived, (self.data_docs, self.run_name))

    def returned(self) -> Validations | None:
        """What the run's Validator must absorb after a task validated with this one: the record
        of a copy made in another process; None for the run's own (it holds its results)."""
        return self.record() if self.arrived else None

    def _checkpoint(self, name: str, suites: tuple[Suite, ...]):
        key = (name, tuple((s.name, tuple(r.key for r in s.rules)) for s in suites))
        if key not in _CHECKPOINTS:
            _CHECKPOINTS[key] = self._new_checkpoint(name, suites)
        return _CHECKPOINTS[key]

    def _new_checkpoint(self, name: str, suites: tuple[Suite, ...]):
        gx = gx_context.imported()
        ctx, batch = gx_context.context()
        definitions = []
        for suite in suites:
            gx_suite = ctx.suites.add_or_update(gx.ExpectationSuite(name=suite.name))
            for rule in suite.rules:
                gx_suite.add_expectation(rule.expectation())
            definitions.append(
                ctx.validation_definitions.add_or_update(
                    gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
                )
            )
        checkpoint = ctx.checkpoints.add_or_update(
            gx.Checkpoint(
                name=name,
                validation_definitions=definitions,
                actions=[],  # Data Docs are built once per run, not once per checkpoint
                result_format={"result_format": "BASIC"},
            )
        )
        return checkpoint

    def validate(self, name: str, suites: tuple[Suite, ...], frame: pl.DataFrame) -> pl.DataFrame:
        """Findings (FINDING_COLUMNS) of every rule of `suites` on every row of `frame`."""
        if frame.is_empty():
            return no_findings()
        columns = sorted({"row_id", *(c for s in suites for r in s.rules for c in r.columns)})
        pdf = _inert(frame.select(columns)).to_pandas(use_pyarrow_extension_array=True)
        with _GX_LOCK:
            result = self._checkpoint(name, suites).run(
                batch_parameters={"dataframe": pdf}, run_id=self._run_id()
            )
            del pdf
            self._release()
        self.runs += 1
        self._results.extend(result.run_results.keys())
        counts = _unexpected_counts(result)
        found = [
            _locate(rule, frame, counts[(suite.name, rule.key)])
            for suite in suites
            for rule in suite.rules
            if counts[(suite.name, rule.key)]
        ]
        return pl.concat(found) if found else no_findings()

    def _run_id(self) -> Any:
        """GX's identifier of a checkpoint run: named after the run, timed now; None lets GX name it."""
        if self.run_name is None:
            return None
        from great_expectations.core.run_identifier import RunIdentifier

        return RunIdentifier(run_name=gx_run_name(self.run_name), run_time=datetime.now(UTC))

    def _release(self) -> None:
        """Drop what GX keeps of the last run: the batch (a pandas copy of every row) and its metrics.

        GX caches both on the data source's execution engine until the next run replaces them;
        at national scale that is ~150 MB held through the history check and the DuckDB load.
        """
        engine = gx_context.context()[0].data_sources.get("unggahan").get_execution_engine()
        engine.batch_manager.reset_batch_cache()
        engine.batch_manager.batch_data_cache.clear()
        cache = getattr(engine, "_metric_cache", None)  # private; a plain dict in GX 1.x
        if isinstance(cache, dict):
            cache.clear()

    def close(self) -> None:
        """The end of the run: validating in this process, nothing to release (a ChildValidator
        tells its child)."""

    def record(self) -> Validations:
        """This validator's runs and results, to ship back to the run's own Validator."""
        store = gx_context.context()[0].validation_results_store
        return Validations(self.runs, {key: store.get(key) for key in self._results})

    def absorb(self, other: Validations) -> None:
        """Count runs made elsewhere and keep their results for this run's Data Docs."""
        store = gx_context.context()[0].validation_results_store
        for key, result in other.results.items():
            store.set(key, result)
        self.runs += other.runs
        self._results.extend(k for k in other.results if k not in self._results)

    def build_docs(self) -> Path | None:
        """Render this run's validations into the Data Docs site, its assets served from the site
        itself (expectations/datadocs.py), its index listing the last runs' too (expectations/
        hasil.py); returns its index page."""
        if not self.data_docs or not self._results:
            return None
        ctx, _ = gx_context.context()
        with _GX_LOCK:  # the site's folder is the context's, for this build
            # The last runs' results, kept by their builds: the index lists their pages too.
            store = ctx.validation_results_store
            restored = hasil.restore(store, self.data_docs)
            try:
                gx_context.point_site(ctx, self.data_docs)
                ctx.build_data_docs(site_names=[gx_context.SITE], resource_identifiers=self._pages())
                hasil.keep(store, self.data_docs, self._results)
            finally:
                hasil.forget(store, restored)
        datadocs.localise(self.data_docs)
        return self.data_docs / "index.html"

    def _pages(self) -> list[Any]:
        """What the site renders: this run's validations, and the suite of each (a validation's
        page and the index link to their suite's page, which GX renders only when asked)."""
        suites = {
            key.expectation_suite_identifier.to_tuple(): key.expectation_suite_identifier
            for key in self._results
        }
        return [*self._results, *suites.values()]


class PredicateValidator(Validator):
    """Validates with the rules' Polars predicates alone, without a GX run: for a receipt (the
    portal, `ektp check`), where a GX run (~0.1-0.2 s, whatever the rows) was most of the wait.

    The predicates are the ones `Validator` locates failing rows with, and every run's GX
    validation checks that their counts equal GX's for every rule (a disagreement stops the run:
    `ValidationMismatch`, a bug). The nightly, which decides, validates with GX and writes the
    Data Docs; a receipt says what that decision will be (tests/pipeline/test_check.py compares
    both on every corpus file). No Data Docs: nothing is kept."""

    def validate(self, name: str, suites: tuple[Suite, ...], frame: pl.DataFrame) -> pl.DataFrame:
        if frame.is_empty():
            return no_findings()
        self.runs += 1
        rules = [rule for suite in suites for rule in suite.rules]
        # Every rule's count in one pass (a clean file fails none); the rows only of those that fail.
        counts = frame.select(rule.failing.sum().alias(str(i)) for i, rule in enumerate(rules)).row(0)
        found = [
            _findings(rule, frame.filter(rule.failing)) for rule, n in zip(rules, counts, strict=True) if n
        ]
        return pl.concat(found) if found else no_findings()


def gx_run_name(run_id: str) -> str:
    """The name GX's Data Docs list a run's validations under: "proses-" and the run id.

    GX reads a run name as a date with dateutil, when it is given no run time and again when it
    titles a page. About one run id in 2,000 reads as a date, most of them with a zone offset of a
    day or more ("20181203T201756Z-7964ad": +80:04, and the era "ad"); GX then fails to store or
    to render the results. A leading word dateutil does not know makes every name unreadable as a date.
    """
    return f"proses-{run_id}"


def _arrived(data_docs: Path | None, run_name: str | None = None) -> Validator:
    copy = Validator(data_docs, run_name)
    copy.arrived = True
    return copy


def _inert(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame GX sees, its text HTML-escaped: GX writes unexpected values into the Data Docs
    unescaped, and an uploaded name `<img onerror=...>` ran in the browser. Escaping is one to one,
    so every equality and null the rules compare is kept (and counts still agree with Polars)."""
    text = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    escaped = pl.col(text)
    for raw, entity in _ENTITIES:
        escaped = escaped.str.replace_all(raw, entity, literal=True)
    return frame.with_columns(escaped) if text else frame


_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def _unexpected_counts(result) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for validation in result.run_results.values():
        suite_name = validation.suite_name
        for res in validation.results:
            if res.exception_info and res.exception_info.get("raised_exception"):
                raise Bug(  # our suite asked GX for something it cannot do: never the data's fault
                    "GX gagal menjalankan ekspektasi",
                    suite=suite_name,
                    detail=res.exception_info.get("exception_message"),
                )
            meta = res.expectation_config.meta or {}
            counts[(suite_name, meta["rule"])] = (
                0 if res.success else int(res.result.get("unexpected_count") or 0)
            )
    return counts


def is_code(kode: object) -> bool:
    """A kecamatan code in its 6-digit form (what findings may carry as `kode_kecamatan`)."""
    return isinstance(kode, str) and len(kode) == 6 and kode.isascii() and kode.isdigit()


def n(value: int | None) -> str:
    """A count in a message: `12.410`."""
    return angka(value, empty="kosong")


def where(r: dict) -> str:
    """Where a failing row is, for its message: `baris 7 (520304)`, or `baris 7` without a 6-digit code."""
    kode = r["kode_kecamatan"]
    return (
        rules.WHERE_CODE.format(baris=r["baris"], kode=kode)
        if is_code(kode)
        else rules.WHERE_LINE.format(baris=r["baris"])
    )


def _locate(rule: Expectation, frame: pl.DataFrame, gx_count: int) -> pl.DataFrame:
    bad = frame.filter(rule.failing)
    if bad.height != gx_count:
        raise ValidationMismatch(
            "GX dan Polars tidak sepakat", aturan=rule.aturan, gx=gx_count, polars=bad.height
        )
    return _findings(rule, bad)


def _findings(rule: Expectation, bad: pl.DataFrame) -> pl.DataFrame:
    """The findings of `rule` on its failing rows `bad`."""
    rows = bad.to_dicts()
    return pl.DataFrame(
        {
            "row_id": bad["row_id"],
            "baris": bad["baris"],
            # An unreadable code (`5272O1`) stays in `nilai` and the message, never in the code column.
            "kode_kecamatan": [r["kode_kecamatan"] if is_code(r["kode_kecamatan"]) else None for r in rows],
            "kolom": [rule.kolom] * len(rows),
            "nilai": [rule.nilai(r) for r in rows],
            "aturan": [rule.aturan] * len(rows),
            "tingkat": [rule.tingkat] * len(rows),
            "pesan": [rule.pesan(r) for r in rows],
        },
        schema=_finding_schema(),
    )


def _finding_schema() -> dict[str, type[pl.DataType]]:
    return {"row_id": pl.Int64, **FINDING_SCHEMA}


def no_findings() -> pl.DataFrame:
    """What `Validator.validate` returns when no rule fails."""
    return pl.DataFrame(schema=_finding_schema())
