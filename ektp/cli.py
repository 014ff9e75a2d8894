"""`ektp`: the command-line program of CONTRACT §3 (Typer).

Every command builds one Settings (defaults, EKTP_* environment, its flags) and hands it on as a
parameter. Exit status: 0 when the command did its work (rejected files included), 1 for `check`
on a rejected file, 2 with one line when it could not (bad arguments, unusable warehouse, ...),
3 with one line for a bug (EKTP_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import json
import re
import shlex
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from contract.dates import WITA
from contract.errors import EktpError, UsageError

if TYPE_CHECKING:
    from prefect import Flow

app = typer.Typer(
    name="ektp",
    help="Pipeline harian perekaman e-KTP Dukcapil NTB: unggahan kabupaten → gudang data → laporan.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"bukan tanggal YYYY-MM-DD: {value!r}") from None


_RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{6}")


def _known_on(value: str | datetime) -> datetime | str:
    """--as-known-on: a run id, or a moment in WITA unless it names its offset. A moment means the
    end of what it names, so that the time a report shows ("02.05") includes that minute's run:
    a date is the end of that day, HH:MM the end of that minute, HH:MM:SS the end of that second."""
    if isinstance(value, datetime):
        return value
    text = value.strip()
    if _RUN_ID.fullmatch(text):
        return text
    try:
        if len(text) == 10:  # YYYY-MM-DD
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max, WITA)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"bukan waktu (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], boleh dengan zona) atau id run: {value!r}"
        ) from None
    clock = text[11:].split("+")[0].split("-")[0].rstrip("Z")
    if "." not in clock:  # the end of the hour, minute or second it names
        moment += (timedelta(hours=1), timedelta(minutes=1), timedelta(seconds=1))[
            clock.count(":")
        ] - timedelta(microseconds=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=WITA)


Landing = Annotated[
    Path | None,
    typer.Option(help="Folder landing (env EKTP_LANDING; bawaan data/landing).", show_default=False),
]
Warehouse = Annotated[
    Path | None,
    typer.Option(
        help="Berkas DuckDB (env EKTP_WAREHOUSE; bawaan data/warehouse.duckdb).", show_default=False
    ),
]
Provinsi = Annotated[
    str | None,
    typer.Option(
        help="Cakupan: kode provinsi, daftar berkoma, atau 'all' (env EKTP_PROVINSI; bawaan 52).",
        show_default=False,
    ),
]
Runner = Annotated[
    str | None,
    typer.Option(
        help="Tempat tugas berjalan: local, dask, atau dask://HOST:PORT (env EKTP_RUNNER).",
        show_default=False,
    ),
]
Notify = Annotated[
    str | None,
    typer.Option(
        "--notify",
        metavar="URL",
        help="Kirim ringkasan proses sebagai JSON ke webhook ini (env EKTP_NOTIFY_URL).",
        show_default=False,
    ),
]
UbahCakupan = Annotated[
    bool,
    typer.Option(
        "--ubah-cakupan",
        help="Izinkan cakupan (--provinsi) yang lain dari cakupan gudang data ini; "
        "tanpanya perintah ditolak.",
    ),
]
PortalDb = Annotated[
    Path | None,
    typer.Option(
        help="Basis data portal (env EKTP_PORTAL_DB; bawaan portal.sqlite di samping gudang data).",
        show_default=False,
    ),
]


def _examples(*lines: str) -> str:
    return "[bold]Contoh[/bold]\n\n" + "\n\n".join(f"  [cyan]{line}[/cyan]" for line in lines)


_VERBOSITY = 0  # -1 quiet, 0 normal, 1 and 2 verbose: set once per invocation by the root options
_PROGRAM = False  # main() runs as the program itself (no argv given), not called from Python


@app.callback()
def _root(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Hanya galat; tanpa bilah kemajuan.")] = False,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="Lebih banyak catatan (-vv: rinci).")
    ] = 0,
) -> None:
    """Pipeline harian perekaman e-KTP Dukcapil NTB."""
    global _VERBOSITY
    _VERBOSITY = -1 if quiet else verbose


def _settings(**flags: object):
    from contract.settings import Settings

    return Settings.load(**flags)


def _verbosity() -> int:
    return _VERBOSITY


def _console(settings) -> None:
    from ektp import console

    console.setup(_verbosity(), settings.debug)


def _run_flow(settings, which: str, **parameters: object) -> int:
    """Run the nightly or the backfill here, with progress bars, and print its summary.
    SIGTERM or Ctrl-C ends it within seconds, with one line (exit 143 or 130)."""
    from ektp import console
    from flows import runner, stopping
    from reports.summary import Summary, as_text

    _console(settings)
    flow: Flow[..., dict[Any, Any]]  # either flow, imported alone: each import costs start-up time
    if which == "nightly":
        from flows.nightly import nightly as flow
    else:
        from flows.backfill import backfill as flow
    with stopping.on_signals(final=_PROGRAM):
        with console.bars(_verbosity() >= 0):
            result = runner.run(flow, settings.runner, settings=settings, **parameters)
        print(as_text(Summary(**result)))
    return 0


def _preflight(settings, kabupaten: set[str] | None = None) -> None:
    """Refuse bad arguments here, with one line, before a flow run starts."""
    from contract import regions
    from contract.settings import DATA_DIR
    from flows.runner import check

    reference = regions.load(settings.provinsi)
    check(settings.runner)
    if settings.landing == DATA_DIR / "landing":
        settings.landing.mkdir(parents=True, exist_ok=True)  # the default inbox root, on a fresh clone
    if not settings.landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {settings.landing}")
    if unknown := sorted((kabupaten or set()) - reference.kabupaten_codes):
        raise UsageError(f"kabupaten di luar cakupan: {', '.join(unknown)}")


@app.command(
    epilog=_examples(
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
            parser=_date,
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
    settings = _settings(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    _preflight(settings)
    return _run_flow(settings, "nightly", tanggal=tanggal, ubah_cakupan=ubah_cakupan)


@app.command(
    epilog=_examples(
        "ektp backfill --from 2018-04-01 --to 2018-04-30",
        "ektp backfill --from 2018-04-10 --to 2018-04-12 --kabupaten 5203",
    )
)
def backfill(
    start: Annotated[
        date,
        typer.Option(
            "--from", parser=_date, metavar="YYYY-MM-DD", help="Tanggal pertama.", show_default=False
        ),
    ],
    end: Annotated[
        date,
        typer.Option(
            "--to", parser=_date, metavar="YYYY-MM-DD", help="Tanggal terakhir.", show_default=False
        ),
    ],
    kabupaten: Annotated[
        str | None, typer.Option(help="Daftar kode kabupaten berkoma, mis. 5201,5203.", show_default=False)
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    runner: Runner = None,
    notify: Notify = None,
    ubah_cakupan: UbahCakupan = False,
) -> int:
    """Proses ulang setiap berkas bertanggal dalam rentang, seolah baru tiba (idempoten)."""
    settings = _settings(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    if end < start:
        raise UsageError(f"--to {end} lebih awal dari --from {start}")
    codes = sorted({k.strip() for k in (kabupaten or "").split(",") if k.strip()})
    _preflight(settings, set(codes))
    return _run_flow(
        settings, "backfill", start=start, end=end, kabupaten=codes or None, ubah_cakupan=ubah_cakupan
    )


@app.command(
    epilog=_examples(
        "ektp check 'rekap 12 april.xlsx' --kabupaten 5203", "ektp check rekap.csv --kabupaten 5208 --json"
    )
)
def check(
    file: Annotated[Path, typer.Argument(help="Berkas yang diuji.", show_default=False)],
    kabupaten: Annotated[str, typer.Option(help="Kode kabupaten pengirim, mis. 5203.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Cetak tanda terima sebagai JSON.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Uji satu berkas tanpa menulis apa pun: cetak tanda terimanya (keluar 0 diterima, 1 ditolak)."""
    from pipeline.check import receipt
    from reports.receipts import text

    settings = _settings(landing=landing, warehouse=warehouse, provinsi=provinsi)
    _console(settings)
    r = receipt(settings, file, kabupaten)
    print(json.dumps(r, ensure_ascii=False, indent=2, default=str) if as_json else text(r), end="")
    return 0 if r["status"] != "rejected" else 1


@app.command(
    epilog=_examples(
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
            "--date", parser=_date, metavar="YYYY-MM-DD", help="Tanggal laporan.", show_default=False
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Folder keluaran (bawaan: laporan/ di samping gudang data).", show_default=False),
    ] = None,
    target: Annotated[
        date | None,
        typer.Option(
            parser=_date,
            metavar="YYYY-MM-DD",
            help="Tanggal target selesai (env EKTP_TARGET; bawaan 2018-06-01).",
            show_default=False,
        ),
    ] = None,
    known_on: Annotated[
        datetime | None,
        typer.Option(
            "--as-known-on",
            parser=_known_on,
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

    settings = _settings(
        landing=landing, warehouse=warehouse, provinsi=provinsi, target=target, report_dir=out
    )
    paths = write_report(
        settings.warehouse, tanggal, settings.reports, settings.target, settings.report_provinsi, known_on
    )
    print(f"Laporan: {paths.html}\nLaporan: {paths.xlsx}")
    return 0


@app.command(
    "rebuild-marts",
    epilog=_examples("ektp rebuild-marts", "ektp rebuild-marts --warehouse /srv/ektp/gudang.duckdb"),
)
def rebuild_marts(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Bangun ulang semua mart dari angka yang tersimpan (run biasa hanya memperbarui yang berubah)."""
    from contract import regions
    from pipeline import runs
    from warehouse import store

    settings = _settings(landing=landing, warehouse=warehouse, provinsi=provinsi)
    _console(settings)
    reference = regions.load(settings.provinsi)
    if not settings.warehouse.exists():
        raise UsageError(f"gudang data belum ada: {settings.warehouse}")
    with store.writing(settings.warehouse, reference.scope) as session:
        runs.rebuild_marts(session, reference)
        session.publish()
    print(f"Semua mart dibangun ulang: {settings.warehouse}")
    return 0


@app.command(
    epilog=_examples(
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

    settings = _settings(landing=landing, warehouse=warehouse)
    _console(settings)
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
    epilog=_examples(
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
        typer.Option(help="Alamat portal (env EKTP_PORTAL_HOST; bawaan 127.0.0.1).", show_default=False),
    ] = None,
    portal_port: Annotated[
        int | None,
        typer.Option(help="Port portal (env EKTP_PORTAL_PORT; bawaan 8080).", show_default=False),
    ] = None,
    portal_db: PortalDb = None,
) -> int:
    # One line on purpose: `ektp --help` lists the docstring as written, line breaks included.
    """Jalankan nightly terjadwal (02:00 WITA) lewat deployment Prefect, dan portal kabupaten, sampai dihentikan."""  # noqa: E501
    from flows.serve import serve as serve_deployments

    settings = _settings(
        landing=landing,
        warehouse=warehouse,
        provinsi=provinsi,
        runner=runner,
        notify_url=notify,
        portal_host=portal_host,
        portal_port=portal_port,
        portal_db=portal_db,
    )
    _console(settings)
    say = lambda text: print(text, flush=True)  # noqa: E731
    beside = None
    if not tanpa_portal:
        from portal.server import running

        _preflight(settings)
        beside = lambda api_url: running(settings, nightly_api=api_url, say=say)  # noqa: E731
    serve_deployments(settings, say=say, beside=beside)
    return 0


@app.command(
    epilog=_examples(
        "ektp portal",
        "ektp portal --host 0.0.0.0 --port 8080",
        "EKTP_WAREHOUSE=/srv/ektp/gudang/ektp.duckdb ektp portal",
    )
)
def portal(
    host: Annotated[
        str | None,
        typer.Option(
            help="Alamat yang didengarkan (env EKTP_PORTAL_HOST; bawaan 127.0.0.1).", show_default=False
        ),
    ] = None,
    port: Annotated[
        int | None, typer.Option(help="Port (env EKTP_PORTAL_PORT; bawaan 8080).", show_default=False)
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Jalankan portal kabupaten: kantor mengirim berkas dari peramban dan langsung menerima tanda terima."""
    from portal.server import serve_forever

    settings = _settings(
        landing=landing,
        warehouse=warehouse,
        provinsi=provinsi,
        portal_host=host,
        portal_port=port,
        portal_db=portal_db,
    )
    _console(settings)
    _preflight(settings)
    serve_forever(settings, say=lambda text: print(text, flush=True))
    return 0


@app.command(
    epilog=_examples(
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

    settings = _settings(landing=landing, warehouse=warehouse, portal_db=portal_db)
    _console(settings)
    found = health.gather(settings)
    print(json.dumps(found, ensure_ascii=False, indent=2) if as_json else health.text(found), end="")
    return 0 if found["status"] == "ok" else 1


akun_app = typer.Typer(
    name="akun",
    help="Kelola akun portal: satu per kantor kabupaten/kota, provinsi, admin.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
app.add_typer(akun_app, name="akun")

SandiStdin = Annotated[
    bool, typer.Option("--sandi-stdin", help="Baca sandi dari satu baris masukan standar (untuk skrip).")
]


def _password(from_stdin: bool) -> str:
    """The new password: one line of standard input, or typed twice without echo."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("masukan standar bukan terminal: berikan sandi dengan --sandi-stdin")
    first = getpass.getpass("Sandi baru: ")
    if getpass.getpass("Ulangi sandi: ") != first:
        raise UsageError("kedua sandi tidak sama")
    return first


def _portal_db(warehouse, provinsi, portal_db, landing=None):
    from portal import db

    settings = _settings(landing=landing, warehouse=warehouse, provinsi=provinsi, portal_db=portal_db)
    return settings, db.create(db.path_of(settings))


@akun_app.command(
    "tambah",
    epilog=_examples(
        "ektp akun tambah lombokbarat --peran kabupaten --kabupaten 5201",
        "ektp akun tambah dinas-provinsi --peran provinsi",
        "printf '%s\\n' \"$SANDI\" | ektp akun tambah admin --peran admin --sandi-stdin",
    ),
)
def akun_tambah(
    nama: Annotated[str, typer.Argument(help="Nama akun: huruf kecil, angka, . _ -", show_default=False)],
    peran: Annotated[str, typer.Option(help="kabupaten, provinsi atau admin.", show_default=False)],
    kabupaten: Annotated[
        str | None, typer.Option(help="Kode kabupaten akun kabupaten, mis. 5201.", show_default=False)
    ] = None,
    sandi_stdin: SandiStdin = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Buat akun portal (sandi diketik tanpa gema, atau dari masukan standar)."""
    from contract import regions
    from portal import accounts

    settings, path = _portal_db(warehouse, provinsi, portal_db, landing)
    akun = accounts.add(path, nama, peran, kabupaten, _password(sandi_stdin), regions.load(settings.provinsi))
    wilayah = f" {akun.kode_kabupaten}" if akun.kode_kabupaten else ""
    print(f"Akun {akun.nama} ({akun.peran}{wilayah}) dibuat di {path}")
    return 0


@akun_app.command("hapus", epilog=_examples("ektp akun hapus lombokbarat"))
def akun_hapus(
    nama: Annotated[str, typer.Argument(help="Nama akun.", show_default=False)],
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Hapus akun portal dan akhiri sesinya (catatan unggahannya tetap)."""
    from portal import accounts

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    accounts.remove(path, nama)
    print(f"Akun {nama} dihapus.")
    return 0


@akun_app.command(
    "sandi",
    epilog=_examples("ektp akun sandi lombokbarat", "ektp akun sandi lombokbarat --sandi-stdin < sandi.txt"),
)
def akun_sandi(
    nama: Annotated[str, typer.Argument(help="Nama akun.", show_default=False)],
    sandi_stdin: SandiStdin = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Ganti sandi akun portal; semua sesinya berakhir."""
    from portal import accounts

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    accounts.set_password(path, nama, _password(sandi_stdin))
    print(f"Sandi akun {nama} diganti.")
    return 0


@akun_app.command("daftar", epilog=_examples("ektp akun daftar"))
def akun_daftar(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Daftar akun portal."""
    from portal import accounts

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    rows = accounts.listing(path)
    print(f"{'nama':<24} {'peran':<10} {'kabupaten':<10} dibuat")
    for r in rows:
        print(f"{r['nama']:<24} {r['peran']:<10} {r['kode_kabupaten'] or '-':<10} {r['dibuat_pada']}")
    print(f"{len(rows)} akun di {path}")
    return 0


@app.command(
    epilog=_examples("ektp demo", "ektp demo --landing /tmp/demo/landing --warehouse /tmp/demo/gudang.duckdb")
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

    settings = _settings(
        landing=landing, warehouse=warehouse, provinsi=provinsi, runner=runner, notify_url=notify
    )
    _console(settings)
    return run_demo(
        settings,
        landing_given=landing is not None,
        warehouse_given=warehouse is not None,
        show_progress=_verbosity() >= 0,
        bars=console.bars,
    )


def _debug() -> bool:
    """EKTP_DEBUG, also when the settings themselves were what failed."""
    try:
        return _settings().debug
    except EktpError:
        return False


def _usage_line(exc: typer.TyperException) -> str:
    """Click's usage error as one line.

    For example `ektp: galat: Missing option '--from'. (lihat: ektp backfill --help)`.
    """
    message = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    return f"ektp: galat: {message}" + (f" (lihat: {ctx.command_path} --help)" if ctx is not None else "")


def main(argv: list[str] | None = None) -> int:
    """The program: `argv` None when it is the process itself (`ektp ...`), a list when called."""
    from flows import environment

    global _PROGRAM
    _PROGRAM = argv is None
    environment.configure()
    try:
        command = typer.main.get_command(app)
        code = command.main(args=argv, prog_name="ektp", standalone_mode=False)
    except typer.Exit as exc:  # --help, or Typer's answer to a Ctrl-C
        if isinstance(exc.__cause__, KeyboardInterrupt):
            print("ektp: dihentikan", file=sys.stderr)
        return exc.exit_code
    except typer.Abort:
        print("ektp: dihentikan", file=sys.stderr)
        return 130
    except typer.TyperException as exc:  # bad arguments: one line, what is wrong and where help is
        if type(exc).__name__ == "NoArgsIsHelpError":  # `ektp` alone: the help is the answer
            # Typer's own click (typer._click, private) raises it with show(); the public base
            # class TyperException does not declare show().
            exc.show()  # type: ignore[attr-defined]
        else:
            print(_usage_line(exc), file=sys.stderr)
        return exc.exit_code
    except EktpError as exc:
        if _debug():
            raise
        print(f"ektp: galat: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ektp: dihentikan", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one clear line, the traceback only on request
        if _debug():
            raise
        print(
            f"ektp: galat internal ({type(exc).__name__}): {exc}. "
            "Jalankan ulang dengan EKTP_DEBUG=1 untuk rinciannya.",
            file=sys.stderr,
        )
        return 3
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
