"""A submission's files each land with their log row and receipt, or none is left (issue #20
item 7): when the upload log cannot be written after files were stored, they are removed again
and the office gets a 503 in Indonesian; the log has one line and no traceback. The failure is
real: a trigger in the portal's SQLite database that aborts the insert, as a full disk would."""

from __future__ import annotations

import logging
from datetime import date

from portal import db, deliver, store, tokens
from tests import web_client
from tests.portal.support import Browser, valid_report
from tests.uploads import KOTA_BIMA

# Report dates no other portal test sends for.
NEW, HELD = date(2018, 2, 25), date(2018, 2, 26)  # dates no other test of the shared world sends for
FAILING = "gagal-catat"  # the trigger aborts the log rows of files sent under such names


def _break_the_log(path) -> None:
    with db.connect(path) as con:
        con.execute(
            "create trigger uji_log_gagal before insert on unggahan"
            " when new.nama_asli like 'gagal-catat%'"
            " begin select raise(abort, 'database or disk is full'); end"
        )


def _mend_the_log(path) -> None:
    with db.connect(path) as con:
        con.execute("drop trigger uji_log_gagal")


def _stored(world) -> tuple[set[str], set[str]]:
    staging = deliver.staging_of(db.path_of(world.settings))
    return {p.name for p in (world.landing / "5201").iterdir()}, {p.name for p in staging.iterdir()}


def test_files_of_a_submission_that_cannot_be_logged_are_removed(world, base_url, caplog):
    path = db.path_of(world.settings)
    with Browser(base_url, **{"X-Forwarded-For": "10.20.7.1"}) as b:
        b.login("lobar")
        assert "LOLOS" in b.upload("5201", ("ada 21 maret.csv", valid_report(HELD))).text
        before = _stored(world)
        logged = len(store.of_district(path, "5201", 10_000))
        _break_the_log(path)
        try:
            with caplog.at_level(logging.INFO):
                # one file lands (a new date), one is held (its date has a file), one is refused
                failed = b.upload(
                    "5201",
                    (f"{FAILING} 20 maret.csv", valid_report(NEW)),
                    (f"{FAILING} 21 maret.csv", valid_report(HELD, base=5_100)),
                    (f"{FAILING}.pdf", b"%PDF-1.4"),
                )
        finally:
            _mend_the_log(path)
        assert failed.status_code == 503
        assert "kiriman tidak dapat dicatat, jadi berkasnya tidak disimpan" in failed.text
        assert _stored(world) == before  # nothing in the inbox, nothing held
        assert len(store.of_district(path, "5201", 10_000)) == logged
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors and all(r.exc_info is None for r in errors), errors
        assert "Traceback" not in caplog.text
        # the office sends again once the database is well: every file lands with its row
        again = b.upload("5201", (f"{FAILING} 20 maret.csv", valid_report(NEW)))
        assert "LOLOS" in again.text
        assert f"{FAILING} 20 maret.csv" in _stored(world)[0]


def test_the_api_answers_503_in_json_and_keeps_nothing(world, base_url):
    path = db.path_of(world.settings)
    token = tokens.create(path, "kobi")
    before = {p.name for p in (world.landing / "5272").iterdir()}
    _break_the_log(path)
    try:
        with web_client.client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as http:
            r = http.post(
                "/api/v1/kiriman",
                files={"berkas": (f"{FAILING}.csv", valid_report(NEW, codes=KOTA_BIMA), "text/csv")},
            )
    finally:
        _mend_the_log(path)
    assert r.status_code == 503 and "tidak dapat dicatat" in r.json()["galat"]
    assert {p.name for p in (world.landing / "5272").iterdir()} == before
