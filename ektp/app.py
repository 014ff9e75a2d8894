"""What every `ektp` command shares: the Typer app, its root options, the option types, and the
steps a command takes (its settings, its console, running a flow). The commands are in
ektp/perintah_*.py; ektp/cli.py registers them and is the program's entry point."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from contract.errors import UsageError

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


def parse_date(value: str | date) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"bukan tanggal YYYY-MM-DD: {value!r}") from None


def known_on(value: str | datetime) -> datetime | str:
    """--as-known-on: a run id, or the end of the moment the text names (warehouse.asof.parse, the
    one place that says what a moment means; it is resolved against the warehouse there too)."""
    if isinstance(value, datetime):
        return value
    from warehouse import asof  # not at import: every command would load DuckDB

    try:
        return asof.parse(value)
    except ValueError:
        raise typer.BadParameter(
            f"bukan waktu (YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS], boleh dengan zona) atau id run: {value!r}"
        ) from None


Landing = Annotated[
    Path | None,
    typer.Option(
        metavar="FOLDER", help="Folder landing (env EKTP_LANDING; bawaan data/landing).", show_default=False
    ),
]
Warehouse = Annotated[
    Path | None,
    typer.Option(
        metavar="BERKAS",
        help="Berkas DuckDB (env EKTP_WAREHOUSE; bawaan data/warehouse.duckdb).",
        show_default=False,
    ),
]
Provinsi = Annotated[
    str | None,
    typer.Option(
        metavar="KODE",
        help="Cakupan: kode provinsi, daftar berkoma, atau 'all' (env EKTP_PROVINSI; bawaan 52).",
        show_default=False,
    ),
]
Runner = Annotated[
    str | None,
    typer.Option(
        metavar="CARA",
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
        metavar="BERKAS",
        help="Basis data portal (env EKTP_PORTAL_DB; bawaan portal.sqlite di samping gudang data).",
        show_default=False,
    ),
]


def named_codes(kabupaten: str | None) -> list[str] | None:
    """`--kabupaten 5201,5203` as its codes; None when the option is not given (every district in
    scope). Given empty (`--kabupaten "$KAB"` with KAB unset) it is refused: read as "every
    district", `ektp kunci` would lock them all."""
    if kabupaten is None:
        return None
    codes = [k.strip() for k in kabupaten.split(",") if k.strip()]
    if not codes:
        raise UsageError(
            f"--kabupaten kosong ({kabupaten!r}): tulis kodenya, mis. 5201,5203,"
            " atau tanpa --kabupaten untuk semua"
        )
    return codes


def examples(*lines: str) -> str:
    return "[bold]Contoh[/bold]\n\n" + "\n\n".join(f"  [cyan]{line}[/cyan]" for line in lines)


class State:
    """What one invocation sets before its command runs."""

    verbosity = 0  # -1 quiet, 0 normal, 1 and 2 verbose: set by the root options
    program = False  # main() runs as the program itself (no argv given), not called from Python


@app.callback()
def _root(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Hanya galat; tanpa bilah kemajuan.")] = False,
    verbose: Annotated[
        int,
        typer.Option(
            "--verbose", "-v", count=True, show_default=False, help="Lebih banyak catatan (-vv: rinci)."
        ),
    ] = 0,
) -> None:
    """Pipeline harian perekaman e-KTP Dukcapil NTB."""
    State.verbosity = -1 if quiet else verbose


def settings_of(**flags: object):
    from contract.settings import Settings

    return Settings.load(**flags)


def verbosity() -> int:
    return State.verbosity


def console_for(settings, flows: bool = False) -> None:
    """The terminal's log lines for this command (ektp.console.setup); `flows`: it runs Prefect flows."""
    from ektp import console

    console.setup(verbosity(), settings.debug, flows)


# True in the `ektp` program itself (`cli.entry`), whose process ends after its one command;
# False where `cli.main` runs in a process that goes on (the tests), which keeps what a next run reuses.
_ONE_COMMAND = False


def one_command() -> None:
    global _ONE_COMMAND
    _ONE_COMMAND = True


def run_flow(settings, which: str, **parameters: object) -> int:
    """Run the nightly or the backfill here, with progress bars, and print its summary.
    SIGTERM or Ctrl-C ends it within seconds, with one line (exit 143 or 130)."""
    from ektp import console
    from flows import runner, stopping
    from flows.outcome import RunNotRecorded
    from reports.summary import Summary, as_text

    console_for(settings, flows=True)
    flow: Flow[..., dict[Any, Any]]  # either flow, imported alone: each import costs start-up time
    if which == "nightly":
        from flows.nightly import nightly as flow
    else:
        from flows.backfill import backfill as flow
    if _ONE_COMMAND:  # this process runs this flow only
        from expectations import child

        child.one_run()
    with stopping.on_signals(final=State.program):
        try:
            with console.bars(verbosity() >= 0):
                result = runner.run(flow, settings, **parameters)
        except RunNotRecorded as exc:  # the run ended; Prefect did not record it: both are told
            if exc.summary is not None:
                print(as_text(Summary(**exc.summary)), flush=True)
            raise
        print(as_text(Summary(**result)))
    return 0


def preflight(
    settings, kabupaten: set[str] | None = None, writer: bool = False, ubah_cakupan: bool = False
) -> None:
    """Refuse bad arguments here, with one line, before a flow run starts; with `writer` (a
    nightly, a backfill), a warehouse path this process cannot write too, and a warehouse of
    another scope unless `ubah_cakupan`."""
    from contract import regions
    from contract.settings import DATA_DIR
    from flows.runner import check

    reference = regions.load(settings.provinsi)
    check(settings.runner)
    if settings.landing == DATA_DIR / "landing":
        settings.landing.mkdir(parents=True, exist_ok=True)  # the default inbox root, on a fresh clone
    if not settings.landing.is_dir():
        raise UsageError(f"folder landing tidak ada: {settings.landing}")
    reference.chosen(kabupaten or ())
    if writer:
        from warehouse import cakupan, store

        warehouse = settings.warehouse.resolve()
        store.check_target(warehouse)
        cakupan.check(warehouse, reference.scope, ubah_cakupan)
