"""The Jinja environment of the project's pages, the report's and the portal's: autoescaped
everywhere (names, cells and reasons come from district files), strict about missing names, and
every template compiled when it is made and never read from disk again. A portal left running
while a release replaces the files then renders its own code's pages: with Jinja's reloading, the
new templates met the old code's data, and a template that had gained a variable made its page a
500 until the portal restarted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from contract import formats

# The filters both kinds of page write numbers, dates and times with (contract.formats).
FORMATS: dict[str, Callable[..., Any]] = {
    "angka": formats.angka,
    "persen": formats.persen,
    "tanggal": formats.tanggal,
    "tanggal_pendek": formats.tanggal_pendek,
    "hari_tanggal": formats.hari_tanggal,
    "waktu": formats.waktu,
}


def environment(folder: Path, **filters: Callable[..., Any]) -> Environment:
    """The templates of `folder`, all compiled now, with FORMATS and these filters."""
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        cache_size=-1,  # keep them all
    )
    env.filters.update(FORMATS | filters)
    for name in env.list_templates():
        env.get_template(name)
    return env
