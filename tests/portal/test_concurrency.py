"""An office sends files while the nightly runs: both complete, and the run reads every file whole
or not at all (the portal links a complete file into the inbox; the run publishes its warehouse
whole, and the portal's next read sees it)."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time

from portal import db
from tests.portal.support import TODAY, Browser, build_world, portal, run_nightly, valid_report
from tests.uploads import one


def test_uploads_while_the_nightly_runs(tmp_path, prefect_server):
    world = build_world(tmp_path)
    with portal(world.settings) as url, Browser(url) as office:
        office.login("lobar")
        night: dict = {}

        def nightly():
            night["start"] = time.monotonic()
            night["summary"] = run_nightly(world.settings, tanggal=TODAY)
            night["end"] = time.monotonic()

        runner = threading.Thread(target=nightly)
        runner.start()
        sent = []
        while runner.is_alive():
            start = time.monotonic()
            # a big enough file that writing it takes a moment; each one with other figures
            # (a correction of the date: the office confirms that it replaces the file before)
            page = office.upload(
                "5201",
                (f"saat malam {len(sent)}.csv", valid_report(TODAY, base=5_000 + len(sent))),
                ganti=True,
            )
            assert page.status_code == 200 and "LOLOS pemeriksaan" in page.text
            sent.append((start, time.monotonic()))
        runner.join()
        assert night["summary"]["run_id"]  # the run completed
        during = [s for s in sent if night["start"] <= s[0] and s[1] <= night["end"]]
        assert during, (night, sent)

        # whatever the run took, it read whole: each decided file has the hash of all its bytes
        with sqlite3.connect(db.path_of(world.settings)) as con:
            logged = dict(con.execute("select berkas, sha256 from unggahan where akun = 'lobar'").fetchall())
        assert len(logged) == len(sent)
        for berkas, digest in logged.items():
            assert hashlib.sha256((world.landing / berkas).read_bytes()).hexdigest() == digest

        def decided():
            return {
                f: (sha, baris)
                for f, sha, baris in one(
                    world.warehouse,
                    "select file, sha256, baris from unggahan where file like '5201/saat malam%'",
                )
            }

        for berkas, (sha, baris) in decided().items():
            assert (sha, baris) == (logged[berkas], 10)
        # the next run decides the rest, and the portal shows every status
        run_nightly(world.settings, tanggal=TODAY)
        assert {f: sha for f, (sha, _) in decided().items()} == logged
        page = office.get("/kabupaten/5201").text
        assert ">menunggu proses malam</td>" not in page  # no upload of the list still waits
        # an upload's page shows the run's decision, and the run's own receipt for the district
        first = page.split('href="/kabupaten/5201/unggahan/', 1)[1].split('"', 1)[0]
        detail = office.get(f"/kabupaten/5201/unggahan/{first}").text
        assert "Keputusan proses malam" in detail
        run_receipt = detail.split('href="/kabupaten/5201/proses/', 1)[1].split('"', 1)[0]
        document = office.get(f"/kabupaten/5201/proses/{run_receipt}").json()
        assert document["kode_kabupaten"] == "5201" and any(
            b["berkas"].startswith("5201/saat malam") for b in document["berkas"]
        )
