"""Progress of a long run, for whoever watches it: the CLI draws bars, everyone else ignores it.

The steps of a run say what is coming (`expect("baca", 1197)`) and what they finished
(`advance("baca", 500)`); the reporter installed
by the caller decides what to show. The default shows nothing.
"""

from __future__ import annotations

# The stages a run reports, in order, with the word a person reads.
STAGES = {"baca": "berkas dibaca", "validasi": "berkas divalidasi", "muat": "berkas dimuat"}


class Reporter:
    """The silent reporter; the CLI installs one that draws."""

    def expect(self, stage: str, amount: int) -> None:
        """`amount` more items will pass through `stage`."""

    def advance(self, stage: str, amount: int) -> None:
        """`amount` items finished `stage`."""


_current: Reporter = Reporter()


def install(reporter: Reporter) -> Reporter:
    """Make `reporter` receive the progress of this process's runs; returns the one it replaces."""
    global _current
    before, _current = _current, reporter
    return before


def expect(stage: str, amount: int) -> None:
    _current.expect(stage, amount)


def advance(stage: str, amount: int) -> None:
    _current.advance(stage, amount)
