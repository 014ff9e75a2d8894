"""The province grid's cells (issue #21 item 3): the state of each district's report on each day
(portal.pages.grid) with today's column, the kecamatan completeness of the loaded figures (18/21
looks complete and is not), and files the portal took that wait for the nightly.

The columns are newest first, on every screen: the question at the province is who reported
today, and the newest day next to the district names answers it without scrolling on a phone or
a desk; one order for both also keeps a phone call about "the third column" unambiguous.
"""

from __future__ import annotations

from datetime import date

from portal import db, pages, store
from portal.state import Portal
from warehouse import read

# The states of pages.STATES, and one the warehouse cannot know: a valid file the portal took
# for a day that has nothing loaded yet is waiting for the nightly.
STATES = {**pages.STATES, "menunggu": ("…", "menunggu proses malam")}


def cells(portal: Portal, grid: pages.Grid | None) -> dict[str, list[dict]]:
    """Per kabupaten of the grid, its days newest first: tanggal, keadaan, lapor and jumlah (the
    kecamatan with a loaded figure, of all its kecamatan; None when nothing is loaded)."""
    if grid is None or not grid.days:
        return {}
    dari, sampai = grid.days[0], grid.days[-1]
    with read.connect(portal.settings.warehouse) as con:
        complete = {
            (r["kode_kabupaten"], r["tanggal"]): (r["lapor"], r["jumlah"])
            for r in read.rows(
                con,
                "portal_kisi_kecamatan",
                provinsi=portal.settings.report_provinsi,
                dari=dari,
                sampai=sampai,
            )
        }
    waiting = _waiting(portal, dari, sampai)
    found: dict[str, list[dict]] = {}
    for row in grid.rows:
        kode, days = row["kode_kabupaten"], []
        for day, keadaan in reversed(list(zip(grid.days, row["keadaan"], strict=True))):
            lapor, jumlah = complete.get((kode, day), (None, None))
            if keadaan == "tidak_ada" and (kode, day) in waiting:
                keadaan = "menunggu"
            days.append({"tanggal": day, "keadaan": keadaan, "lapor": lapor, "jumlah": jumlah})
        found[kode] = days
    return found


def _waiting(portal: Portal, dari: date, sampai: date) -> set[tuple[str, date]]:
    with db.connect(portal.db) as con:
        rows = con.execute(
            store.sql("unggahan_kisi"), {"dari": dari.isoformat(), "sampai": sampai.isoformat()}
        )
        return {(r["kode_kabupaten"], date.fromisoformat(r["tanggal"])) for r in rows if r["sah"]}
