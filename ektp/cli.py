"""`ektp`: the command-line program of CONTRACT §3."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from ektp import quiet
from ektp.errors import EktpError, UsageError


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan tanggal YYYY-MM-DD: {value!r}") from None


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--landing", type=Path, help="folder landing (env EKTP_LANDING; bawaan data/landing)")
    p.add_argument("--warehouse", type=Path, help="berkas DuckDB (env EKTP_WAREHOUSE; bawaan data/warehouse.duckdb)")
    p.add_argument("--provinsi", help="cakupan: kode provinsi, daftar berkoma, atau 'all' (env EKTP_PROVINSI; bawaan 52)")


def _running(p: argparse.ArgumentParser) -> None:
    """Flags of the commands that run the pipeline (issue 5)."""
    p.add_argument("--runner", help="tempat tugas baca berkas: local, dask, atau dask://HOST:PORT (env EKTP_RUNNER; bawaan local)")
    p.add_argument("--notify", metavar="URL", help="kirim ringkasan proses sebagai JSON ke webhook ini (env EKTP_NOTIFY_URL)")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="ektp", description="Pipeline harian perekaman e-KTP Dukcapil NTB.")
    sub = root.add_subparsers(dest="command", required=True)

    p = sub.add_parser("nightly", help="proses semua berkas baru bertanggal <= D")
    _common(p)
    p.add_argument("--date", type=_date, help="tanggal laporan D (bawaan: kemarin, WITA)")
    _running(p)

    p = sub.add_parser("backfill", help="proses ulang berkas bertanggal dalam rentang")
    _common(p)
    p.add_argument("--from", dest="start", type=_date, required=True)
    p.add_argument("--to", dest="end", type=_date, required=True)
    p.add_argument("--kabupaten", help="daftar kode kabupaten berkoma, mis. 5201,5203")
    _running(p)

    p = sub.add_parser("check", help="uji satu berkas tanpa menulis apa pun")
    _common(p)
    p.add_argument("file", type=Path)
    p.add_argument("--kabupaten", required=True)
    p.add_argument("--json", action="store_true", help="cetak tanda terima sebagai JSON")

    p = sub.add_parser("report", help="tulis laporan harian (HTML dan XLSX)")
    _common(p)
    p.add_argument("--date", type=_date, required=True)
    p.add_argument("--out", type=Path, help="folder keluaran (bawaan: laporan/ di samping gudang data)")
    p.add_argument("--target", type=_date, help="tanggal target selesai (env EKTP_TARGET; bawaan 2018-06-01)")

    p = sub.add_parser("serve", help="jalankan nightly terjadwal (02:00 WITA) lewat deployment Prefect")
    _common(p)
    _running(p)

    p = sub.add_parser("demo", help="bangun data demo April 2018, jalankan pipeline, tulis laporan")
    _common(p)
    _running(p)
    return root


def settings_for(args: argparse.Namespace):
    from ektp.settings import from_env

    return from_env().with_flags(
        landing=args.landing, warehouse=args.warehouse, provinsi=getattr(args, "provinsi", None),
        target=getattr(args, "target", None), report_dir=getattr(args, "out", None),
        runner=getattr(args, "runner", None), notify_url=getattr(args, "notify", None),
    )


def _export(settings) -> None:
    """Flows read their settings from the environment: hand them the flags too."""
    os.environ["EKTP_LANDING"] = str(settings.landing)
    os.environ["EKTP_WAREHOUSE"] = str(settings.warehouse)
    os.environ["EKTP_PROVINSI"] = settings.provinsi
    os.environ["EKTP_TARGET"] = settings.target.isoformat()
    os.environ["EKTP_RUNNER"] = settings.runner
    if settings.notify_url:
        os.environ["EKTP_NOTIFY_URL"] = settings.notify_url


def run(args: argparse.Namespace) -> int:
    settings = settings_for(args)
    if args.command == "check":
        from ektp.check import check

        return check(settings, args.file, args.kabupaten, as_json=args.json)
    if args.command == "report":
        from reports.daily import write_report

        paths = write_report(settings.warehouse, args.date, settings.reports, settings.target, settings.report_provinsi)
        print(f"Laporan: {paths.html}\nLaporan: {paths.xlsx}")
        return 0
    _export(settings)
    if args.command in ("nightly", "backfill"):
        _preflight(settings, args)
    if args.command == "nightly":
        from flows import runner
        from flows.nightly import nightly

        return _print(runner.run(nightly, settings.runner, tanggal=args.date))
    if args.command == "backfill":
        from flows import runner
        from flows.backfill import backfill

        kab = [k.strip() for k in args.kabupaten.split(",") if k.strip()] if args.kabupaten else None
        return _print(runner.run(backfill, settings.runner, start=args.start, end=args.end, kabupaten=kab))
    if args.command == "serve":
        from flows.serve import serve

        return serve(settings)
    if args.command == "demo":
        from ektp.demo_run import demo

        return demo(settings, landing_given=args.landing is not None, warehouse_given=args.warehouse is not None)
    raise UsageError(f"perintah tidak dikenal: {args.command}")


def _preflight(settings, args: argparse.Namespace) -> None:
    """Refuse bad arguments here, with one line, before a flow run starts (and logs a traceback)."""
    from ektp import reference

    from ektp.settings import DATA_DIR

    ref = reference.load(settings.provinsi)
    if args.command == "backfill" and args.end < args.start:
        raise UsageError(f"--to {args.end} lebih awal dari --from {args.start}")
    if settings.landing == DATA_DIR / "landing":
        settings.landing.mkdir(parents=True, exist_ok=True)  # the default inbox root, on a fresh clone
    if not settings.landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {settings.landing}")
    if args.command == "backfill":
        wanted = {k.strip() for k in (args.kabupaten or "").split(",") if k.strip()}
        if unknown := sorted(wanted - ref.kabupaten_codes):
            raise UsageError(f"kabupaten di luar cakupan: {', '.join(unknown)}")
    # Failures past this point are reported by main() in one line; Prefect's own traceback log
    # of a failed run is for the server's UI, not for this terminal.
    import logging

    import prefect  # noqa: F401  (configures Prefect's loggers first, so ours below stick)

    for name in ("prefect.flow_runs", "prefect.task_runs"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _print(result: dict) -> int:
    from ektp.summary import Summary, render

    print(render(Summary(**result)))
    return 0


def main(argv: list[str] | None = None) -> int:
    quiet.configure()
    args = parser().parse_args(argv)
    try:
        return run(args)
    except EktpError as exc:
        print(f"ektp: galat: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ektp: dihentikan", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one clear line, the traceback only on request
        if os.environ.get("EKTP_DEBUG"):
            raise
        print(f"ektp: galat internal ({type(exc).__name__}): {exc}. Jalankan ulang dengan EKTP_DEBUG=1 untuk rinciannya.", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
