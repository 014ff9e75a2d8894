"""Great Expectations in this process: imported one way (telemetry off, SciPy's statistics left
until used), and one context whose suites, validation definitions and checkpoints serve every
warehouse the process validates for (expectations/engine.py runs them)."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any


def imported() -> Any:
    """The `great_expectations` package, imported the one way the project imports it: telemetry
    off, and SciPy's statistics left until used."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    _defer_scipy_stats()
    import great_expectations

    return great_expectations


def _defer_scipy_stats() -> None:
    """Import `scipy.stats` only when something uses it. GX imports it with every expectation
    class (two of them compute with it; none of ours does): ~0.85 s of the ~2.6 s each process
    that validates spends importing GX. `scipy.stats` is made a lazy module (the standard
    library's LazyLoader), set on `scipy` too so that GX's `from scipy import stats` finds it
    without touching it; its first attribute read imports it for real."""
    import importlib.util
    import sys

    if "scipy.stats" in sys.modules:
        return
    import scipy

    spec = importlib.util.find_spec("scipy.stats")
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["scipy.stats"] = module
    spec.loader.exec_module(module)
    scipy.stats = module


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
