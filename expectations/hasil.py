"""The validation results behind the Data Docs, kept beside them for the next runs' builds.

GX's Data Docs index lists the validation pages on disk whose results the building process
holds, and deletes the others (its `skip_and_clean_missing`). Each nightly is a process of its
own, holding only its own results: the Data Docs showed the last run alone. Each build now keeps
its run's results, in GX's own serialized form, in `<data_docs>.hasil/<time>-<pid>.json`, and
puts the newest KEPT - 1 runs' back into the process's GX store before it builds: the index
lists the last KEPT runs, and GX's cleaning deletes the pages of older ones. What a process built
earlier is in its store already (`make demo`, one process, keeps every night it ran).

A kept file that cannot be read back (damaged, written by another GX) is skipped with a warning:
it costs the Data Docs that run's pages, never the run.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from contract import files

log = logging.getLogger(__name__)

KEPT = 30  # runs the Data Docs list: a month of nightlies
SUFFIX = ".hasil"


def folder_of(data_docs: Path) -> Path:
    """`<data_docs>.hasil`, beside the site: not in it, where GX's stores list their keys."""
    return data_docs.with_name(data_docs.name + SUFFIX)


def restore(store: Any, data_docs: Path) -> list[tuple[str, ...]]:
    """Put the newest KEPT - 1 kept runs' results into GX's validation results `store`, those it
    does not hold already; the keys it put there, for `forget` once the build is done."""
    restored: list[tuple[str, ...]] = []
    for path in _kept(folder_of(data_docs))[-(KEPT - 1) :] if KEPT > 1 else []:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
            pairs = [(tuple(str(part) for part in e["kunci"]), str(e["hasil"])) for e in entries]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("hasil validasi %s tidak terbaca, dilewati: %s", path, exc)
            continue
        for key, serialized in pairs:
            if not store.store_backend.has_key(key):
                store.store_backend.set(key, serialized)
                restored.append(key)
    return restored


def forget(store: Any, restored: Iterable[tuple[str, ...]]) -> None:
    """Take what `restore` put back out of `store` again: a process that builds the Data Docs of
    several runs (a test worker's validation child) would otherwise list more than KEPT runs."""
    for key in restored:
        store.store_backend.remove_key(key)


def keep(store: Any, data_docs: Path, keys: Iterable[Any]) -> Path:
    """Keep the results of `keys` (this run's) from `store`, then drop all but the newest KEPT runs."""
    folder = folder_of(data_docs)
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for key in keys:
        as_tuple = store.key_to_tuple(key)
        entries.append({"kunci": list(as_tuple), "hasil": store.store_backend.get(as_tuple)})
    path = folder / f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}.json"
    files.write_atomic(path, json.dumps(entries))
    for old in _kept(folder)[:-KEPT]:
        old.unlink(missing_ok=True)
    return path


def _kept(folder: Path) -> list[Path]:
    """The kept runs' files, oldest first (their names start with the UTC time of their build)."""
    return sorted(folder.glob("*.json")) if folder.is_dir() else []
