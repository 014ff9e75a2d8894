"""reports/svg.py: charts drawn by vl-convert in a child process, the last answers kept."""

from __future__ import annotations

from reports import svg


def bars(*names: str) -> dict:
    return {
        "data": {"values": [{"nama": n, "v": i + 1} for i, n in enumerate(names)]},
        "mark": "bar",
        "encoding": {"y": {"field": "nama", "type": "nominal"}, "x": {"field": "v", "type": "quantitative"}},
    }


def test_a_chart_drawn_again_is_the_kept_answer_and_needs_no_child():
    renderer = svg._Renderer()
    try:
        first = renderer.render(bars("Mataram"), {})
        child = renderer._process
        assert child is not None and first.startswith("<svg") and "Mataram" in first
        child.kill()
        child.wait()
        assert renderer.render(bars("Mataram"), {}) == first
        assert renderer._process is child  # no child asked, none started
        other = renderer.render(bars("Bima"), {})
        assert renderer._process is not child and "Bima" in other  # a new chart: a new child drew it
    finally:
        renderer.close()


def test_only_the_last_answers_are_kept():
    renderer = svg._Renderer()
    renderer.KEPT = 2
    try:
        drawn = {name: renderer.render(bars(name), {}) for name in ("Mataram", "Bima", "Dompu")}
        assert len(renderer._kept) == 2 and not any("Mataram" in kept for kept in renderer._kept.values())
        assert renderer.render(bars("Mataram"), {}) == drawn["Mataram"]  # drawn again, the same
    finally:
        renderer.close()
