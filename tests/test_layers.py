"""The house has floors that run one way: a module imports only its own package and lower floors,
and no modules import each other in a circle (counting imports made inside functions too)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
# Ground floor first. Packages on one floor do not import each other.
FLOORS = {
    "contract": 0,  # the contract's vocabulary: errors, rules, columns, dates, settings, regions
    "landing": 1,  # reading the landing folder
    "demo": 1,  # the demo's data generator (beside reading; imports only the ground floor)
    "transforms": 2,  # pure Polars: parsing, batch rows, decisions, history, ledger
    "expectations": 3,  # GX suites and the engine that runs them over a batch
    "warehouse": 4,  # DuckDB: migrations, loads, marts, the read-only connection
    "reports": 5,  # daily report, receipts, run summary
    "pipeline": 6,  # a run's steps as plain functions; `ektp check`
    "flows": 7,  # Prefect: nightly, backfill, serve
    "portal": 8,  # the district portal (web application)
    "ektp": 9,  # the command-line program: it starts the portal, so it stands above it
}


def modules() -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in (PROJECT / package).rglob("*.py"):
            parts = path.relative_to(PROJECT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


GRAPH = {name: imports(path, set(modules())) - {name} for name, path in modules().items()}


def test_every_package_has_a_floor():
    # a new top-level package must be given its floor here (and in the README's Layout)
    packages = {p.parent.name for p in PROJECT.glob("*/__init__.py")} - {"tests", "bench"}
    assert packages == set(FLOORS)


def test_no_import_runs_up_a_floor_or_sideways():
    # contract <- landing <- transforms <- expectations <- warehouse <- reports <- pipeline <- flows
    # <- portal <- ektp
    wrong = [
        f"{source} -> {target}"
        for source, targets in GRAPH.items()
        for target in targets
        if (a := source.split(".")[0]) != (b := target.split(".")[0]) and FLOORS[b] >= FLOORS[a]
    ]
    assert not wrong, wrong


def test_no_modules_import_each_other_in_a_circle():
    try:
        list(TopologicalSorter(GRAPH).static_order())
    except CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None


def test_transforms_are_pure():
    # no I/O libraries, no Prefect, no GX in transforms/: Polars frames in, Polars frames out
    impure = {"prefect", "great_expectations", "duckdb", "os", "shutil", "subprocess", "pathlib", "open"}
    for path in (PROJECT / "transforms").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        used |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        used |= {
            n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        assert not used & impure, (path.name, used & impure)


def test_no_module_hands_settings_on_through_the_environment():
    # settings travel as parameters: no project module assigns to os.environ, except the one that
    # sets Prefect's and GX's own configuration before they are imported
    allowed = {"flows.environment", "flows.runner", "flows.serve", "expectations.gx_context"}
    for name, path in modules().items():
        text = path.read_text(encoding="utf-8")
        if name not in allowed:
            assert "os.environ[" not in text and "os.environ.setdefault" not in text, name
