"""warehouse/persetujuan.py: a sign-off, lock or unlock brings the marts that read `persetujuan`
up to date, and only those: every mart stays what a whole rebuild gives, and the others are not
computed or published again (they would recompute the district's whole history to the same rows)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from tests.uploads import dumps
from tests.warehouse.test_incremental import KECAMATAN, START, Landing, Upload, apply, rebuilt, run_of
from warehouse import db, marts, persetujuan, publish, store


def _published_files(warehouse: Path) -> dict[str, tuple[int, int]]:
    """Every file of the publication's folder: (inode, modification time) by path."""
    folder = publish.folder_of(warehouse)
    return {
        str(p.relative_to(folder)): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*.parquet")
    }


def _act(warehouse: Path, kabupaten: list[str], sampai: date, tindakan: str, atas: str) -> None:
    with store.writing(warehouse) as session:
        with db.transaction(session.con) as con:
            persetujuan.record(con, kabupaten, sampai, tindakan, atas, "Kadis Dukcapil")
        session.publish()


def test_only_status_data_reads_the_sign_offs():
    assert marts.downstream("persetujuan") == {"status_data"}
    assert marts.downstream("unggahan") == set(marts.names())  # the decisions reach every mart


def test_a_sign_off_and_a_lock_publish_status_data_alone_and_every_mart_stays_a_rebuild(tmp_path):
    landing = Landing()
    touched = {landing.add(Upload(k, d, 0)) for k in KECAMATAN for d in range(6)}
    warehouse = tmp_path / "gudang.duckdb"
    apply(warehouse, *run_of(landing, touched), run=0)
    day = START + timedelta(days=3)
    steps = [
        (["5272"], persetujuan.DISETUJUI, persetujuan.PERSETUJUAN),
        (["5208", "5272"], persetujuan.DIKUNCI, persetujuan.KUNCI),
    ]
    for kabupaten, tindakan, atas in steps:
        before = _published_files(warehouse)
        _act(warehouse, kabupaten, day, tindakan, atas)
        after = _published_files(warehouse)
        rewritten = {path.split("/")[0] for path in after if before.get(path) != after[path]}
        assert rewritten & set(marts.names()) == {"status_data"}, (tindakan, sorted(rewritten))
        whole = rebuilt(warehouse)
        published = dumps(warehouse, whole)
        for mart, frame in whole.items():
            assert published[mart].equals(frame), (tindakan, mart)
    status = dumps(warehouse, ["status_data"])["status_data"]
    upto = status.filter(status["tanggal"] <= day)
    assert set(upto["status"]) == {"dikunci"} and set(status.filter(status["tanggal"] > day)["status"]) == {
        "sementara"
    }
