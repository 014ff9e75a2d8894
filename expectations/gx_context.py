"""Great Expectations in this process: imported one way (telemetry off, what GX imports for
expectations we do not use left until used), and one context whose suites, validation definitions
and checkpoints serve every warehouse the process validates for (expectations/engine.py runs
them)."""

from __future__ import annotations

import os
import types
from functools import cache
from pathlib import Path
from typing import Any


def imported() -> Any:
    """The `great_expectations` package, imported the one way the project imports it: telemetry
    off, and what GX imports for expectations and plots we never use left until used."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    for name in DEFERRED:
        _defer(name)
    import great_expectations

    return great_expectations


# Imported by GX with every expectation class and used by none of ours: stand-ins until first use.
# Over a process that validates (~2.7 s of CPU before its first answer): `scipy.stats` ~0.85 s (two
# expectations compute with it), Altair ~0.25 s (one expectation draws a chart with it).
DEFERRED = ("scipy.stats", "altair")


class _Deferred(types.ModuleType):
    """Stands in `sys.modules` for a module until something reads an attribute it lacks: then the
    real module is imported, takes its place, and answers this read and every later one. Not the
    standard library's LazyLoader: `import altair as alt` reads a lazy module's `__spec__`, which
    executes it; a stand-in holds the module's spec as a plain attribute (so that
    `importlib.util.find_spec` still answers for it)."""

    def __getattr__(self, attribute: str) -> Any:
        import importlib
        import sys

        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
            parent, _, child = self.__name__.rpartition(".")
            if parent:
                setattr(sys.modules[parent], child, real)
        return getattr(sys.modules[self.__name__], attribute)


def _defer(name: str) -> None:
    """Put a stand-in for `name` in `sys.modules`, and on its parent package, so that GX's
    `import altair as alt` or `from scipy import stats` finds it without executing the module."""
    import importlib
    import importlib.util
    import sys

    if name in sys.modules or (spec := importlib.util.find_spec(name)) is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(importlib.import_module(parent), child, stand_in)


def without_sqlalchemy() -> None:
    """Keep SQLAlchemy out of a process that only validates frames (the validation child): GX
    imports it whole when it is installed (Prefect's server needs it) for SQL data sources we do
    not use, ~0.3 s of the child's start, and treats it as absent when the import fails, as it is
    written to. Not for a process that may import it later (a test worker, the portal)."""
    import sys

    sys.modules.setdefault("sqlalchemy", None)  # type: ignore[arg-type]  # None: "import sqlalchemy" fails


@cache
def context():
    """The process's one GX context: its suites, validation definitions and checkpoints serve
    every warehouse the process validates for; its Data Docs site is pointed at a run's folder when
    that run's docs are built (`point_site`). A context per folder built GX's suites and checkpoints
    again for each warehouse: a quarter of the validation children's CPU over a test run, whose
    workers each validate for dozens of warehouses."""
    import logging

    gx = imported()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins this module's logger to INFO, which announces a temporary docs folder on every run.
    for name in ("great_expectations", "great_expectations.data_context.types.base"):
        logging.getLogger(name).setLevel(logging.WARNING)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    asset = ctx.data_sources.add_pandas("unggahan").add_dataframe_asset("baris")
    return ctx, asset.add_batch_definition_whole_dataframe("batch")


SITE = "ektp"


def point_site(ctx, data_docs: Path) -> None:
    """Point the context's Data Docs site at `data_docs` (GX makes its site builder from this
    configuration at every build)."""
    config = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "view": _view("IndexPageView")},
        "site_section_builders": {
            section: {"view": _view("PageView")} for section in ("expectations", "validations", "profiling")
        },
    }
    if SITE in (ctx.variables.data_docs_sites or {}):
        ctx.update_data_docs_site(SITE, config)
    else:
        ctx.add_data_docs_site(SITE, config)


def _view(name: str) -> dict[str, str]:
    """A Data Docs view of expectations/gx_views.py (GX's, compiling its templates once a process),
    named for GX to import: importing it here would load GX into the run's process."""
    return {"module_name": "expectations.gx_views", "class_name": name}
