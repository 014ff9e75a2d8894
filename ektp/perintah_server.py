"""`ektp serve`, `portal`, `cadangan`, `status`: the long-running services, the backup, their health."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Annotated

import typer

from ektp.app import (
    Landing,
    Notify,
    PortalDb,
    Provinsi,
    Runner,
    Warehouse,
    app,
    console_for,
    examples,
    preflight,
    settings_of,
)


@app.command(
    epilog=examples(
        "ektp cadangan cadangan/ektp-2026-11-30.duckdb",
        "ektp cadangan /mnt/arsip/ektp.duckdb --warehouse /srv/ektp/gudang.duckdb",
    )
)
def cadangan(
    keluar: Annotated[
        Path,
        typer.Argument(
            metavar="BERKAS", help="Berkas DuckDB baru untuk cadangan (tidak menimpa).", show_default=False
        ),
    ],
    landing: Landing = None,
    warehouse: Warehouse = None,
) -> int:
    """Tulis cadangan gudang data: satu berkas DuckDB utuh, aman selagi nightly dan analis bekerja."""
    import logging

    from warehouse import cadangan as backup

    settings = settings_of(landing=landing, warehouse=warehouse)
    console_for(settings)
    log = logging.getLogger("ektp.cadangan")
    copied = backup.write(
        settings.warehouse, keluar, progress=lambda table: log.info("Menyalin %s ...", table)
    )
    print(f"Cadangan {len(copied)} tabel: {keluar}")
    # A rename, not a copy over the catalog: analysts may have it open.
    src, new, dest = (shlex.quote(str(p)) for p in (keluar, f"{settings.warehouse}.baru", settings.warehouse))
    print(
        f"Memulihkan (saat tidak ada proses berjalan): cp {src} {new} && mv {new} {dest}; "
        "proses berikutnya menerbitkannya kembali."
    )
    return 0


@app.command(
    epilog=examples(
        "ektp serve",
        "ektp serve --portal-port 8081",
        "ektp serve --tanpa-portal",
        "PREFECT_API_URL=http://127.0.0.1:4200/api ektp serve",
    )
)
def serve(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    runner: Runner = None,
    notify: Notify = None,
    tanpa_portal: Annotated[
        bool, typer.Option("--tanpa-portal", help="Jangan jalankan portal kabupaten di samping jadwal.")
    ] = False,
    portal_host: Annotated[
        str | None,
        typer.Option(
            metavar="ALAMAT",
            help="Alamat portal (env EKTP_PORTAL_HOST; bawaan 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    portal_port: Annotated[
        int | None,
        typer.Option(
            metavar="PORT", help="Port portal (env EKTP_PORTAL_PORT; bawaan 8080).", show_default=False
        ),
    ] = None,
    portal_db: PortalDb = None,
) -> int:
    # One line on purpose: `ektp --help` lists the docstring as written, line breaks included.
    """Jalankan nightly (02:00 WITA) dan pengingat (20:00 WITA) terjadwal lewat deployment Prefect, dan portal kabupaten, sampai dihentikan."""  # noqa: E501
    from flows.serve import serve as serve_deployments

    settings = settings_of(
        landing=landing,
        warehouse=warehouse,
        provinsi=provinsi,
        runner=runner,
        notify_url=notify,
        portal_host=portal_host,
        portal_port=portal_port,
        portal_db=portal_db,
    )
    console_for(settings, flows=True)
    say = lambda text: print(text, flush=True)  # noqa: E731
    beside = None
    if not tanpa_portal:
        from portal.server import running

        preflight(settings)
        beside = lambda api_url: running(settings, nightly_api=api_url, say=say)  # noqa: E731
    serve_deployments(settings, say=say, beside=beside)
    return 0


@app.command(
    epilog=examples(
        "ektp portal",
        "ektp portal --host 0.0.0.0 --port 8080",
        "EKTP_WAREHOUSE=/srv/ektp/gudang/ektp.duckdb ektp portal",
    )
)
def portal(
    host: Annotated[
        str | None,
        typer.Option(
            metavar="ALAMAT",
            help="Alamat yang didengarkan (env EKTP_PORTAL_HOST; bawaan 127.0.0.1).",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(metavar="PORT", help="Port (env EKTP_PORTAL_PORT; bawaan 8080).", show_default=False),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Jalankan portal kabupaten: kantor mengirim berkas dari peramban dan langsung menerima tanda terima."""
    from portal.server import serve_forever

    settings = settings_of(
        landing=landing,
        warehouse=warehouse,
        provinsi=provinsi,
        portal_host=host,
        portal_port=port,
        portal_db=portal_db,
    )
    console_for(settings)
    preflight(settings)
    serve_forever(settings, say=lambda text: print(text, flush=True))
    return 0


@app.command(
    epilog=examples(
        "ektp status", "ektp status --json", "sudo -u ektp env $(cat /etc/ektp/ektp.env) ektp status"
    )
)
def status(
    as_json: Annotated[
        bool, typer.Option("--json", help="Cetak sebagai JSON (isi /sehat, dengan path).")
    ] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    portal_db: PortalDb = None,
) -> int:
    """Kesehatan instalasi seperti /sehat: nightly, terbitan, disk, basis data portal (1 bila bermasalah)."""
    from portal import health

    settings = settings_of(landing=landing, warehouse=warehouse, portal_db=portal_db)
    console_for(settings)
    found = health.gather(settings)
    print(json.dumps(found, ensure_ascii=False, indent=2) if as_json else health.text(found), end="")
    return 0 if found["status"] == "ok" else 1
