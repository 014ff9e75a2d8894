"""`ektp demo`: the 2018 story night by night: each night's uploads land, the nightly runs at its
simulated 02:00 WITA (demo/nights.py); then the sign-off and lock, and the story's reports."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date

from contract.errors import UsageError
from contract.formats import tanggal
from contract.settings import DATA_DIR, Settings
from warehouse import publish

DEMO_DIR = DATA_DIR / "demo"
MARKER = ".ektp-demo"
LAST_DAY = date(2018, 4, 30)
STORY_DAYS = (date(2018, 3, 31), date(2018, 4, 12), LAST_DAY)
# After the nights: each district head signs off April, the province locks March (CONTRACT §3).
KUNCI_SAMPAI = date(2018, 3, 31)
PENGUNCI = "Kabid Dafduk Dukcapil Provinsi NTB"
ALASAN_KUNCI = "angka akhir Maret 2018 telah dikirim ke KPU"


def run_demo(
    settings: Settings, landing_given: bool, warehouse_given: bool, show_progress: bool, bars
) -> int:
    """Runs on its own folders (data/demo/) unless told otherwise, so real data is never touched."""
    from demo.landing import story, write_uploads
    from demo.nights import arrived, nights
    from flows import runner
    from flows.nightly import nightly
    from reports.daily import write_report
    from reports.summary import Summary, as_text

    settings = settings.with_flags(
        landing=settings.landing if landing_given else DEMO_DIR / "landing",
        warehouse=settings.warehouse if warehouse_given else DEMO_DIR / "warehouse.duckdb",
        min_age_seconds=0,
    )
    fresh(settings)
    uploads, truth = story()
    schedule = nights()
    print(
        f"{len(uploads)} berkas dari 10 kabupaten/kota, 2018-01-01 s.d. 2018-04-30, masuk ke "
        f"{settings.landing} pada waktu unggahnya; nightly (Prefect, Great Expectations, Polars, "
        f"DuckDB) berjalan {len(schedule)} kali, pada jam simulasinya ...",
        flush=True,
    )
    run = runner.with_runner(nightly, settings.runner)
    pending: list = uploads
    result: dict = {}
    # One Prefect API for every night (a temporary server per run would cost seconds each).
    with runner.shared_api(settings.prefect_timeout_seconds), bars(show_progress):
        for night in schedule:
            come, pending = arrived(pending, night.at)
            write_uploads(settings.landing, come)
            result = run(
                settings=settings.with_flags(today=night.at.date(), now=night.at),
                tanggal=night.tanggal,
            )
            print(
                f"  {night.at:%Y-%m-%d %H.%M} WITA  laporan {night.tanggal}: {len(come):4d} berkas baru,"
                f" {result['berkas_diproses']:4d} diputuskan  ({result['run_id']})",
                flush=True,
            )
    print(as_text(Summary(**result)))
    print(sign_off_and_lock(settings, sorted(truth["kode_kabupaten"].unique())))
    for day in STORY_DAYS:
        paths = write_report(
            settings.warehouse, day, settings.reports, settings.target, settings.report_provinsi
        )
        print(f"Laporan {day}: {paths.html}")
    print(
        f"\nCoba: .venv/bin/duckdb -readonly {settings.warehouse} "
        "\"select * from progres_provinsi where tanggal = '2018-03-31'\""
    )
    return 0 if truth.height else 1


def sign_off_and_lock(settings: Settings, kabupaten: list[str]) -> str:
    """Each district head signs off the district's figures up to 30 April, then the province locks
    every district's figures up to 31 March with its reason: the reports show March `dikunci` and
    April `disetujui`. One writer session for all of them (a session per action, as `ektp setujui`
    opens, would add seconds to the demo); the rows are those the commands leave."""
    from contract import regions
    from warehouse import db, persetujuan, store

    reference = regions.load(settings.provinsi)
    names = dict(reference.kabupaten.select("kode_kabupaten", "nama").iter_rows())
    with store.writing(settings.warehouse, reference.scope) as session:
        with db.transaction(session.con) as con:
            for kode in kabupaten:
                head = f"Kepala Dinas Dukcapil {names[kode]}"
                persetujuan.record(
                    con, [kode], LAST_DAY, persetujuan.DISETUJUI, persetujuan.PERSETUJUAN, head
                )
            persetujuan.record(
                con, kabupaten, KUNCI_SAMPAI, persetujuan.DIKUNCI, persetujuan.KUNCI, PENGUNCI, ALASAN_KUNCI
            )
        session.publish()
    return (
        f"Kepala dinas {len(kabupaten)} kabupaten/kota menyetujui angka sampai {tanggal(LAST_DAY)};"
        f" {PENGUNCI} mengunci angka sampai {tanggal(KUNCI_SAMPAI)} ({ALASAN_KUNCI}).\n"
        "Laporan menandai angka Maret `dikunci` dan angka April `disetujui`.\n" + _statuses_now(settings)
    )


def _statuses_now(settings: Settings) -> str:
    """The figures' status on the two days the story ends, as published now: the last night's
    summary above was printed before the sign-offs and still says `sementara`."""
    from warehouse import read

    with read.connect(settings.warehouse) as con:
        rows = read.rows(con, "portal_status", dari=KUNCI_SAMPAI, sampai=LAST_DAY, kabupaten=None)
    lines = []
    for day in (KUNCI_SAMPAI, LAST_DAY):
        counted = Counter(r["status"] for r in rows if r["tanggal"] == day)
        said = ", ".join(f"{status} {n}" for status, n in sorted(counted.items()))
        lines.append(f"Status data {tanggal(day)} sekarang: {said} kabupaten/kota")
    return "\n".join(lines)


def fresh(settings: Settings) -> None:
    """Start from nothing, but only ever delete what an earlier demo made (marked beside it)."""
    landing, warehouse = settings.landing, settings.warehouse
    for folder in (landing.parent, warehouse.parent):
        folder.mkdir(parents=True, exist_ok=True)
    if landing.exists() and any(landing.iterdir()):
        if not (landing.parent / MARKER).exists():
            raise UsageError(
                f"folder landing {landing} berisi data yang bukan buatan demo; pilih folder lain"
            )
        shutil.rmtree(landing)
    if warehouse.exists():
        if not (warehouse.parent / MARKER).exists():
            raise UsageError(f"gudang data {warehouse} bukan buatan demo; pilih berkas lain")
        warehouse.unlink()
    if publish.folder_of(warehouse).exists():  # its working file and partitions
        if not (warehouse.parent / MARKER).exists():
            raise UsageError(f"folder {publish.folder_of(warehouse)} bukan buatan demo; pilih berkas lain")
        shutil.rmtree(publish.folder_of(warehouse))
    for folder in (landing.parent, warehouse.parent):
        (folder / MARKER).write_text("dibuat oleh `ektp demo`; isi folder ini boleh dihapus\n")
    landing.mkdir(parents=True, exist_ok=True)
