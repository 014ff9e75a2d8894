"""contract.files: a process's temporary folder, and what killed processes left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from contract import files


@pytest.fixture
def tmpdir_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    return tmp_path


def _killed_child_folder(base: Path) -> Path:
    """A folder made by a child process that is then killed outright (no exit handler runs)."""
    code = (
        "import sys; from contract import files;"
        " print(files.process_folder('ektp-uji'), flush=True); sys.stdin.read()"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(base)},
    )
    assert child.stdout is not None
    folder = Path(child.stdout.readline().strip())
    child.send_signal(signal.SIGKILL)
    child.wait()
    return folder


def test_a_killed_process_folder_is_removed_by_the_next_process(tmpdir_base: Path) -> None:
    left = _killed_child_folder(tmpdir_base)
    assert left.is_dir() and left.parent == tmpdir_base
    mine = files.process_folder("ektp-uji")
    assert mine.is_dir() and mine.name.startswith(f"ektp-uji-{os.getpid()}-")
    assert not left.exists()


def test_a_live_process_folder_and_other_prefixes_are_kept(tmpdir_base: Path) -> None:
    first = files.process_folder("ektp-uji")  # this process, alive
    other = tmpdir_base / "ektp-lain-999999999-abc"  # another prefix, with a pid no process has
    other.mkdir()
    second = files.process_folder("ektp-uji")
    assert first.is_dir() and second.is_dir() and other.is_dir() and first != second


def test_a_process_that_ends_removes_its_folder(tmpdir_base: Path) -> None:
    code = "from contract import files; print(files.process_folder('ektp-uji'))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(tmpdir_base)},
        check=True,
    )
    made = Path(done.stdout.strip())
    assert made.parent == tmpdir_base and made.name.startswith("ektp-uji-")
    assert not made.exists()
