"""warehouse/cakupan.py: a run of another scope is refused, by the writer on its working file
(`bind`) and by the CLI from the published warehouse before a run starts (`check`)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from contract import regions
from contract.errors import UsageError
from warehouse import cakupan, store


@pytest.fixture(scope="module")
def ntb(tmp_path_factory) -> Path:
    """A published warehouse whose scope is NTB's (52), no file decided."""
    path = tmp_path_factory.mktemp("cakupan") / "w.duckdb"
    with store.writing(path, scope="52") as session:
        session.transaction(partial(store.load_reference, reference=regions.load("52")))
        session.publish()
    return path


def test_the_published_warehouse_refuses_another_scope_before_a_run(ntb):
    with pytest.raises(UsageError, match="cakupan provinsi 52, perintah ini memakai 53"):
        cakupan.check(ntb, "53", change=False)
    cakupan.check(ntb, "52", change=False)  # its own scope
    cakupan.check(ntb, "53", change=True)  # asked to change it: the writer changes it


def test_the_writer_refuses_it_too_and_changes_nothing(ntb):
    before = ntb.read_bytes()
    with pytest.raises(UsageError, match="cakupan provinsi 52"), store.writing(ntb, scope="53"):
        pass
    assert ntb.read_bytes() == before


def test_a_warehouse_not_there_or_unreadable_is_left_to_the_writer(tmp_path):
    cakupan.check(tmp_path / "belum.duckdb", "53", change=False)
    garbage = tmp_path / "rusak.duckdb"
    garbage.write_bytes(b"bukan basis data" * 100)
    cakupan.check(garbage, "53", change=False)
