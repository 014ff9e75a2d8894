"""tests/bytecode.py: every module of the project has its bytecode beside it afterwards."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from tests import bytecode


def test_every_module_of_the_packages_tests_and_benchmarks_is_compiled():
    folders = bytecode.folders()
    assert {f.name for f in folders} >= {"contract", "warehouse", "flows", "portal", "ektp", "tests", "bench"}
    assert bytecode.main() == 0
    sources = [p for folder in folders for p in folder.rglob("*.py")]
    assert len(sources) > 150
    missing = [p for p in sources if not Path(importlib.util.cache_from_source(str(p))).is_file()]
    assert not missing, missing[:5]
