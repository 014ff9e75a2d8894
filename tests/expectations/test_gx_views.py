"""expectations/gx_views.py: the Data Docs compile GX's page templates once per process."""

from __future__ import annotations

import jinja2
import pytest

from expectations import uploads
from expectations.engine import Validator
from tests.expectations.test_uploads import batch, ok

pytestmark = pytest.mark.slow  # GX in the test's process


def _built(folder) -> set[str]:
    """The suites whose validation pages a build into `folder` wrote."""
    run = Validator(folder)
    run.validate("unggahan", uploads.SUITES, batch(ok("527201"), {**ok("527202"), "sudah_rekam": 20_000}))
    assert run.build_docs() == folder / "index.html"
    return {p.relative_to(folder).parts[1] for p in folder.rglob("validations/*/*/*/*.html")}


def test_a_second_build_compiles_no_template_and_renders_every_page(tmp_path, monkeypatch):
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    _built(tmp_path / "warm")  # whatever this process compiled before, it is compiled now
    compiled.clear()
    suites = _built(tmp_path / "docs")
    assert compiled == []  # GX's own views compiled ~34 templates on every build
    assert suites == {s.name for s in uploads.SUITES}
    page = next((tmp_path / "docs").rglob("validations/unggahan_angka/*/*/*.html")).read_text()
    assert "Unsuccessful Expectations" in page and "20000" in page  # the failed rule, its value
    index = (tmp_path / "docs" / "index.html").read_text()
    assert all(s.name in index for s in uploads.SUITES)
