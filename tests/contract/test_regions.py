"""The kabupaten a caller names (contract/regions.py `Reference.chosen`): the one place a command's
`--kabupaten`, a deployment's parameter and a portal form's district are checked against the
scope."""

from __future__ import annotations

import pytest

from contract import regions
from contract.errors import UsageError
from flows.backfill import districts

NTB = regions.load("52")


def test_named_codes_are_stripped_once_each_and_sorted():
    assert NTB.chosen([" 5272", "5201", "5272 ", "", "  "]) == ["5201", "5272"]
    assert NTB.chosen([5201]) == ["5201"]  # `prefect deployment run -p kabupaten=5201` gives a number
    assert NTB.chosen([]) == []  # nothing named: the caller's default applies


def test_a_code_out_of_scope_is_named_as_typed_with_hidden_characters_written_out():
    with pytest.raises(UsageError) as refused:
        NTB.chosen(["5201", "5301", "\x1b[31m5272"])
    assert refused.value.message == "kabupaten di luar cakupan: \\x1b[31m5272, 5301"
    assert regions.load("52,53").chosen(["5301"]) == ["5301"]  # in a wider scope it is a district


def test_the_backfill_reads_its_parameter_as_prefect_passes_it():
    assert districts("5272, 5201,", NTB) == {"5201", "5272"}
    assert districts(5201, NTB) == {"5201"}
    assert districts(None, NTB) == set()
    with pytest.raises(UsageError, match="di luar cakupan: 9999"):
        districts(["5201", "9999"], NTB)
