"""The project's own modules compiled to bytecode before the tests run (`make test`, `make check`).

This machine sets PYTHONDONTWRITEBYTECODE=1, and `uv sync --compile-bytecode` compiles the
installed libraries only: without .pyc files beside the project's ~170 modules, every process a
test starts (an `ektp` run, a validation child, the portal, some hundred in `make test`) compiled
them again, ~0.1 s each. Up to date, this takes ~0.2 s; a file edited since is compiled again.

    python -m tests.bytecode
"""

from __future__ import annotations

import compileall
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def folders() -> list[Path]:
    """The packages pyproject.toml ships, and the tests' and benchmarks' own modules."""
    with open(ROOT / "pyproject.toml", "rb") as f:
        packages = tomllib.load(f)["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]
    return [ROOT / p for p in (*packages, "tests", "bench")]


def main() -> int:
    return 0 if all(compileall.compile_dir(d, quiet=1, workers=0) for d in folders()) else 1


if __name__ == "__main__":
    sys.exit(main())
