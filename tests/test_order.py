"""tests/order.py: the files handed out first exist, and come first, in their order."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tests import order

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_handed_out_first_exists():
    missing = [path for path in order.FIRST if not (ROOT / path).is_file()]
    assert not missing, f"tests/order.py names files that are gone: {missing}"
    assert len(set(order.FIRST)) == len(order.FIRST)


def test_the_listed_files_come_first_in_their_order_and_the_others_keep_theirs():
    first, second = order.FIRST[0], order.FIRST[1]
    collected = [
        ("tests/a/test_x.py", "1"),
        (second, "1"),
        ("tests/b/test_y.py", "1"),
        (first, "1"),
        (second, "2"),
        ("tests/a/test_x.py", "2"),
    ]
    items = [SimpleNamespace(path=ROOT / path, name=name) for path, name in collected]
    got = [(item.path.relative_to(ROOT).as_posix(), item.name) for item in order.ordered(items, str(ROOT))]
    assert got == [
        (first, "1"),
        (second, "1"),
        (second, "2"),
        ("tests/a/test_x.py", "1"),
        ("tests/b/test_y.py", "1"),
        ("tests/a/test_x.py", "2"),
    ]
