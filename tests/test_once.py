"""tests/once.py: what is kept across test runs is made once per key, made again when it is not
whole, and made in the run's own folder when the cache cannot be written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests import once


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "ektp" / "contoh"


def builder(made: list[Path], text: str = "isi"):
    def build(path: Path) -> None:
        made.append(path)
        path.write_text(text)

    return build


def whole(path: Path) -> bool:
    return path.read_text() == "isi"


def test_a_key_is_made_once_and_then_read_from_the_cache(cache, tmp_path):
    made: list[Path] = []
    first = once.kept_across_runs("contoh", "k1", builder(made), whole, tmp_path)
    again = once.kept_across_runs("contoh", "k1", builder(made), whole, tmp_path)
    assert first == again == cache / "k1"
    assert len(made) == 1 and made[0] != first  # written beside, then renamed
    assert first.read_text() == "isi"
    assert sorted(p.name for p in cache.iterdir()) == ["k1"]


def test_a_kept_file_that_is_not_whole_is_made_again(cache, tmp_path):
    cache.mkdir(parents=True)
    (cache / "k1").write_text("rusak")
    made: list[Path] = []
    kept = once.kept_across_runs("contoh", "k1", builder(made), whole, tmp_path)
    assert len(made) == 1 and kept.read_text() == "isi"


def test_a_failed_build_leaves_nothing_in_the_cache(cache, tmp_path):
    def fails(path: Path) -> None:
        path.write_text("setengah")
        raise RuntimeError("gagal")

    with pytest.raises(RuntimeError, match="gagal"):
        once.kept_across_runs("contoh", "k1", fails, whole, tmp_path)
    assert list(cache.iterdir()) == []


def test_an_unwritable_cache_makes_the_file_in_the_runs_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("")  # the cache folder cannot be made under a file
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    made: list[Path] = []
    elsewhere = tmp_path / "run"
    elsewhere.mkdir()
    kept = once.kept_across_runs("contoh", "k1", builder(made), whole, elsewhere)
    assert kept == elsewhere / "k1" and kept.read_text() == "isi"


def test_other_keys_are_removed_only_once_no_run_can_be_reading_them(cache, tmp_path):
    made: list[Path] = []
    once.kept_across_runs("contoh", "lama", builder(made), whole, tmp_path)
    once.kept_across_runs("contoh", "baru", builder(made), whole, tmp_path)
    assert sorted(p.name for p in cache.iterdir()) == ["baru", "lama"]  # "lama" may still be copied
    old = time.time() - once.STALE_SECONDS - 60
    os.utime(cache / "lama", (old, old))
    once.kept_across_runs("contoh", "lain", builder(made), whole, tmp_path)
    assert sorted(p.name for p in cache.iterdir()) == ["baru", "lain"]


def test_no_home_folder_makes_the_file_in_the_runs_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    made: list[Path] = []
    kept = once.kept_across_runs("contoh", "k1", builder(made), whole, tmp_path)
    assert kept == tmp_path / "k1" and kept.read_text() == "isi"
