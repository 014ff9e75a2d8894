"""Prefect tasks: one per step and batch, never per file or row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from contract import progress
from contract.errors import TransientError
from contract.regions import Reference
from expectations.engine import Validations, Validator
from landing.inbox import LandingFile
from pipeline import batch as batches
from pipeline import muat, runs
from pipeline.batch import Batch, Upload


def _only_transient(task, task_run, state) -> bool:
    """Retry I/O hiccups; a rule failure or a bug is never retried."""
    try:
        state.result()
    except TransientError:
        return True
    except Exception:
        return False
    return False


TASK: dict[str, Any] = dict(cache_policy=NO_CACHE, persist_result=False)


class Parcel:
    """A list handed to or returned by a task as one object.

    Prefect walks every item of a list parameter or result (looking for futures to wait on), in
    the flow and again in the task: at 23,000 files a backfill that was a tenth of the run.
    """

    __slots__ = ("items",)

    def __init__(self, items: list) -> None:
        self.items = items


@task(
    name="baca-berkas", retries=3, retry_delay_seconds=[1, 5, 15], retry_condition_fn=_only_transient, **TASK
)
def read_batch(files: Parcel, today: date) -> Parcel:
    return Parcel(batches.read_uploads(files.items, today))


def read_all(files: list[LandingFile], today: date, batch_files: int, unreadable: list[str]) -> list[Upload]:
    """Read and parse `files` in batches of `batch_files`, in parallel where the runner allows.

    A batch that still fails after its retries is read file by file, so one file that cannot
    be read (gone, locked) is left for the next run, named in `unreadable`, and never stops the rest.
    """
    if not files:
        return []
    progress.expect("baca", len(files))
    chunks = [files[i : i + batch_files] for i in range(0, len(files), batch_files)]
    futures = [read_batch.submit(Parcel(chunk), today) for chunk in chunks]
    uploads = []
    for chunk, future in zip(chunks, futures, strict=True):
        try:
            uploads += future.result().items
        except TransientError:
            uploads += _one_by_one(chunk, today, unreadable)
        progress.advance("baca", len(chunk))
    return uploads


def _one_by_one(files: list[LandingFile], today: date, unreadable: list[str]) -> list[Upload]:
    uploads = []
    for f in files:
        try:
            uploads.append(batches.read_upload(f, today))
        except TransientError:
            unreadable.append(f.file)
    return uploads


@task(name="validasi-dan-putuskan", **TASK)
def decide_batch(
    uploads: Parcel, reference: Reference, validator: Validator, terkunci: dict | None = None
) -> tuple[Batch, pl.DataFrame, Validations | None]:
    """Validate and decide wherever the runner puts it, with the run's Validator: in the flow's
    process its own; on a Dask worker a copy, whose GX results go back with the decisions so that
    the run's Validator builds the Data Docs and counts the run (engine.Validator.returned).
    `terkunci`: the locked districts and dates among the uploads' (warehouse.persetujuan.terkunci)."""
    checked, files = runs.decide_batch(uploads.items, reference, validator, terkunci)
    return checked, files, validator.returned()


write = task(name="muat-gudang-data", **TASK)(muat.write)


@task(name="data-docs", **TASK)
def data_docs(validator: Validator) -> Path | None:
    return validator.build_docs()
