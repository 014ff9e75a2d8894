"""The load's receipts (pipeline/muat.py): those written are settled, the rest stay owed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipeline import muat
from warehouse import db, store, tercatat


def test_receipts_written_before_a_failed_write_are_settled_and_the_rest_stay_owed(tmp_path):
    # Three receipts owed; the second district's folder cannot be made (a file stands there): the
    # first is written and no longer owed, the second and third stay owed for the next run.
    now = datetime(2018, 4, 2, 1, tzinfo=UTC)
    owed = [tercatat.Owed("r1", kab, f'{{"k": "{kab}"}}', f"surat {kab}") for kab in ("5201", "5202", "5203")]
    folder = tmp_path / "tanda_terima"
    folder.mkdir()
    (folder / "5202").write_text("bukan folder")
    with store.writing(tmp_path / "w.duckdb") as session:
        with db.transaction(session.con):
            tercatat.owe(session.con, owed, now)
        with pytest.raises(OSError):
            muat.deliver_receipts(session.con, folder)
        assert [r.kode_kabupaten for r in tercatat.owed(session.con)] == ["5202", "5203"]
        assert (folder / "5201" / "r1.txt").read_text() == "surat 5201"
        (folder / "5202").unlink()
        assert muat.deliver_receipts(session.con, folder) == 2
        assert tercatat.owed(session.con) == []
