"""The report's charts are valid Vega-Lite: reports/chart.py renders them without Altair's schema
validation (its cost at run time), so it is done here, on the report fixture's figures."""

from __future__ import annotations

import altair as alt
import pytest
from altair.utils.schemapi import SchemaValidationError

from reports import chart, data
from tests.reports.conftest import D

TARGET = D.replace(month=12, day=31)


@pytest.mark.parametrize("spec", [chart.progress_spec, chart.district_spec], ids=["sisa", "kabupaten"])
def test_each_chart_is_valid_vega_lite(warehouse, spec):
    laporan = data.load(warehouse, D, TARGET)
    made = spec(laporan).to_dict()  # validate=True: raises on any departure from the schema
    assert made["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_an_invalid_spec_is_caught_by_that_validation():
    broken = alt.Chart(alt.Data(values=[{"a": 1}])).mark_bar().encode(x=alt.X("a:Q", bin="tidak"))
    with pytest.raises(SchemaValidationError):
        broken.to_dict()
