"""The report's charts are valid Vega-Lite: reports/chart.py writes its specs as plain dicts and
renders them without a schema check (its cost at run time), so they are validated here, against
the Vega-Lite JSON schema Altair ships, on the report fixture's figures."""

from __future__ import annotations

import jsonschema
import pytest
from altair.vegalite.v6.schema import SCHEMA_URL, load_schema

from reports import chart, data
from tests.reports.conftest import D

TARGET = D.replace(month=12, day=31)


def validate(spec: dict) -> None:
    jsonschema.validate(spec, load_schema())  # raises on any departure from the schema


@pytest.mark.parametrize("spec", [chart.progress_spec, chart.district_spec], ids=["sisa", "kabupaten"])
def test_each_chart_is_valid_vega_lite(warehouse, spec):
    made = spec(data.load(warehouse, D, TARGET))
    assert made["$schema"] == SCHEMA_URL  # the Vega-Lite version of the schema
    validate(made)
    assert made["layer"]


def test_an_invalid_spec_is_caught_by_that_validation():
    broken = {
        "$schema": SCHEMA_URL,
        "layer": [{"mark": "bar", "encoding": {"x": {"field": "a", "bin": "tidak"}}}],
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(broken)
