"""portal/render.py: the templates a portal renders are those of its own code."""

from __future__ import annotations

import shutil

from portal import render


def test_a_running_portal_keeps_the_templates_it_started_with(tmp_path):
    # A release replaced the files under a running portal: the new kunci.html.j2 asked for a
    # variable the old code did not give, and the page was a 500 until the portal restarted.
    folder = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, folder)
    env = render.environment(folder)
    assert set(env.list_templates()) <= {t.name for t in env.cache.values()}  # every one compiled
    before = env.get_template("galat.html.j2")
    (folder / "galat.html.j2").write_text("{{ tidak_ada_di_kode_lama }}", encoding="utf-8")
    assert env.get_template("galat.html.j2") is before
    # and the portal's own environment is made so
    assert render._env.auto_reload is False
