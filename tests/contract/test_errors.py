"""Errors as a person reads them (contract/errors.py): the system's common reasons in the program's
language, with the errno's name for the administrator."""

from __future__ import annotations

import errno

from contract.errors import os_reason


def test_the_common_reasons_are_said_in_indonesian_with_their_errno():
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == "disk penuh [ENOSPC]"
    assert os_reason(PermissionError(errno.EACCES, "Permission denied", "/x")) == "izin ditolak [EACCES]"
    assert os_reason(FileExistsError(errno.EEXIST, "File exists")) == "sudah ada [EEXIST]"


def test_any_other_keeps_the_system_s_words_or_the_error_s_text():
    assert os_reason(OSError(errno.ELOOP, "Too many levels of symbolic links")) == (
        "Too many levels of symbolic links"
    )
    assert os_reason(OSError("no errno")) == "no errno"
    assert os_reason(TimeoutError()) == "TimeoutError"


def test_a_real_failure_is_said_the_same_way(tmp_path):
    (tmp_path / "ada").write_text("x")
    try:
        (tmp_path / "ada").mkdir()
    except OSError as exc:
        assert os_reason(exc) == "sudah ada [EEXIST]"
    else:
        raise AssertionError("mkdir over a file succeeded")
