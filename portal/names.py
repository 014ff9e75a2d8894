"""What the portal accepts from a browser before anything is written: a safe file name, and
contents that are what the name says (a renamed binary or an HTML page is refused with a reason:
the format registry's, landing/records.py and landing/sniff.py).

Everything else about a file (its encoding, columns, rows, size limits of the contract) is the
check's to judge, exactly as for a file that reached the landing folder any other way.
"""

from __future__ import annotations

import re
import unicodedata

from contract import rules
from contract.filetypes import extension
from landing import records

# Characters that are no trouble on Linux but are on the Windows machines districts use, or in
# shells and URLs: replaced, so that the stored name is safe to copy anywhere. Path separators
# never survive (only the last component of a name is kept).
_REPLACED = set('<>:"/\\|?*')
MAX_STEM_BYTES = 150  # ext4 allows 255 bytes a name; room for " (123)" and the extension
FALLBACK_STEM = "unggahan"


def safe_name(original: str) -> str:
    """The name to store an upload under: its last path component, no control or format
    characters, no characters Windows forbids, no leading dot, dash or space, bounded length;
    the extension kept."""
    base = re.split(r"[/\\]", original)[-1]
    text = "".join(_safe_char(c) for c in unicodedata.normalize("NFC", base))
    text = re.sub(r"\s+", " ", text).strip()
    cut = len(text) - len(extension(text))
    stem, ext = text[:cut], text[cut:]  # the extension as the office wrote it
    stem = _cut(stem.lstrip(" .-").rstrip(" ."), MAX_STEM_BYTES).rstrip(" .") or FALLBACK_STEM
    return stem + ext


def _safe_char(c: str) -> str:
    if c in _REPLACED or unicodedata.category(c)[0] == "C":  # Cc, Cf (bidi overrides), Cs, Co, Cn
        return "_"
    return " " if unicodedata.category(c) in ("Zl", "Zp") else c


def _cut(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes of `text`, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def numbered(name: str, n: int) -> str:
    """The n-th candidate for a name already taken: `rekap (2).csv`."""
    if n == 1:
        return name
    ext = extension(name)
    return f"{name[: len(name) - len(ext)]} ({n}){ext}"


def refusal(name: str, data: bytes) -> str | None:
    """Why the portal refuses these contents under this name, or None when it takes them: the
    format registry's quick look (landing.records.refusal), worded by the rule registry."""
    return records.refusal(name, data)


def too_big(ukuran: str, batas: str) -> str:
    """Why the portal refuses a file over its upload limit (sizes already written for a person)."""
    return rules.message("berkas_terlalu_besar", "unggahan", ukuran=ukuran, batas=batas)
