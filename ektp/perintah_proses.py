"""`ektp nightly`, `backfill`, `check`, `report`, `rebuild-marts`, `demo`: the runs and what they make."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from contract.errors import UsageError
from ektp.app import (
    Landing,
    Notify,
    Provinsi,
    Runner,
    UbahCakupan,
    Warehouse,
    app,
    console_for,
    examples,
    known_on,
    named_codes,
    parse_date,
    preflight,
    run_flow,
    settings_of,
    verbosity,
)


@app.command(
    epilog=examples(
        "ektp nightly",
        "ektp nightly --date 2018-04-12",
        "ektp -q nightly --warehouse /srv/ektp/gudang.duckdb",
    )
)
def nightly(
    tanggal: Annotated[
        date | None,
        typer.Option(
            "--date",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="Tanggal laporan D (bawaan: kemarin, WITA).",
            show_default=False,
        ),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    runner: Runner = None,
    notify: Notify = None,
    ubah_cakupan: UbahCakupan = False,
) -> int:
    """Proses semua berkas baru bertanggal <= D, tulis laporan D, cetak ringkasan."""
    settings = settings_of(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    if tanggal is not None:
        settings.not_after_today(tanggal, "--date")
    preflight(settings, writer=True, ubah_cakupan=ubah_cakupan)
    return run_flow(settings, "nightly", tanggal=tanggal, ubah_cakupan=ubah_cakupan)


@app.command(
    epilog=examples(
        "ektp backfill --from 2018-04-01 --to 2018-04-30",
        "ektp backfill --from 2018-04-10 --to 2018-04-12 --kabupaten 5203",
    )
)
def backfill(
    start: Annotated[
        date,
        typer.Option(
            "--from", parser=parse_date, metavar="YYYY-MM-DD", help="Tanggal pertama.", show_default=False
        ),
    ],
    end: Annotated[
        date,
        typer.Option(
            "--to", parser=parse_date, metavar="YYYY-MM-DD", help="Tanggal terakhir.", show_default=False
        ),
    ],
    kabupaten: Annotated[
        str | None,
        typer.Option(
            metavar="KODE,...", help="Daftar kode kabupaten berkoma, mis. 5201,5203.", show_default=False
        ),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    runner: Runner = None,
    notify: Notify = None,
    ubah_cakupan: UbahCakupan = False,
) -> int:
    """Proses ulang setiap berkas bertanggal dalam rentang, seolah baru tiba (idempoten)."""
    settings = settings_of(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    if end < start:
        raise UsageError(f"--to {end} lebih awal dari --from {start}")
    codes = sorted(set(named_codes(kabupaten) or ()))
    preflight(settings, set(codes), writer=True, ubah_cakupan=ubah_cakupan)
    return run_flow(
        settings, "backfill", start=start, end=end, kabupaten=codes or None, ubah_cakupan=ubah_cakupan
    )


@app.command(
    epilog=examples(
        "ektp check 'rekap 12 april.xlsx' --kabupaten 5203", "ektp check rekap.csv --kabupaten 5208 --json"
    )
)
def check(
    file: Annotated[Path, typer.Argument(metavar="BERKAS", help="Berkas yang diuji.", show_default=False)],
    kabupaten: Annotated[
        str, typer.Option(metavar="KODE", help="Kode kabupaten pengirim, mis. 5203.", show_default=False)
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Cetak tanda terima sebagai JSON.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Uji satu berkas tanpa menulis apa pun: cetak tanda terimanya (keluar 0 diterima, 1 ditolak)."""
    from pipeline.check import receipt
    from reports.receipts import public, text

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    console_for(settings)
    r = receipt(settings, file, kabupaten)
    print(json.dumps(public(r), ensure_ascii=False, indent=2, default=str) if as_json else text(r), end="")
    return 0 if r["status"] != "rejected" else 1


@app.command(
    epilog=examples(
        "ektp report --date 2018-04-12",
        "ektp report --date 2018-04-12 --out /srv/laporan --target 2018-06-01",
        "ektp report --date 2018-04-12 --as-known-on 2018-04-13T02:05",
        "ektp report --date 2018-04-12 --as-known-on 20180412T180533Z-1a2b3c",
    )
)
def report(
    tanggal: Annotated[
        date,
        typer.Option(
            "--date", parser=parse_date, metavar="YYYY-MM-DD", help="Tanggal laporan.", show_default=False
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            metavar="FOLDER",
            help="Folder keluaran (bawaan: laporan/ di samping gudang data).",
            show_default=False,
        ),
    ] = None,
    target: Annotated[
        date | None,
        typer.Option(
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="Tanggal target selesai (env EKTP_TARGET; bawaan 2018-06-01).",
            show_default=False,
        ),
    ] = None,
    known_on: Annotated[
        datetime | None,
        typer.Option(
            "--as-known-on",
            parser=known_on,
            metavar="WAKTU|RUN",
            help="Susun ulang laporan dengan angka sebagaimana diketahui pada waktu ini "
            "(WITA; tanggal saja = akhir hari itu) atau sesudah run ini: "
            "hanya berkas yang sudah diputuskan saat itu.",
            show_default=False,
        ),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Tulis laporan harian D (HTML dan XLSX)."""
    from reports.daily import write_report

    settings = settings_of(
        landing=landing, warehouse=warehouse, provinsi=provinsi, target=target, report_dir=out
    )
    settings.not_after_today(tanggal, "--date")
    paths = write_report(
        settings.warehouse, tanggal, settings.reports, settings.target, settings.report_provinsi, known_on
    )
    print(f"Laporan: {paths.html}\nLaporan: {paths.xlsx}")
    return 0


@app.command(
    "rebuild-marts",
    epilog=examples("ektp rebuild-marts", "ektp rebuild-marts --warehouse /srv/ektp/gudang.duckdb"),
)
def rebuild_marts(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Bangun ulang semua mart dari angka yang tersimpan (run biasa hanya memperbarui yang berubah)."""
    from contract import regions
    from pipeline import muat
    from warehouse import store

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    console_for(settings)
    reference = regions.load(settings.provinsi)
    if not settings.warehouse.exists():
        raise UsageError(f"gudang data belum ada: {settings.warehouse}")
    with store.writing(settings.warehouse, reference.scope) as session:
        muat.rebuild_marts(session, reference)
        session.publish()
    print(f"Semua mart dibangun ulang: {settings.warehouse}")
    return 0


@app.command(
    epilog=examples("ektp demo", "ektp demo --landing /tmp/demo/landing --warehouse /tmp/demo/gudang.duckdb")
)
def demo(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    runner: Runner = None,
    notify: Notify = None,
) -> int:
    """Bangun data demo Januari–April 2018, jalankan pipeline, tulis laporan."""
    from ektp import console
    from ektp.demo import run_demo

    settings = settings_of(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    console_for(settings, flows=True)
    return run_demo(
        settings,
        landing_given=landing is not None,
        warehouse_given=warehouse is not None,
        show_progress=verbosity() >= 0,
        bars=console.bars,
    )
