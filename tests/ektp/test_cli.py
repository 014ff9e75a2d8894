"""The `ektp` program as an operator meets it: help with examples, exit codes, one-line errors,
progress bars only on a terminal, --quiet and --verbose."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from rich.console import Console

from contract import progress
from ektp import cli, console
from tests.flows.support import D3, tiny_landing


def _commands(group=None, prefix: tuple[str, ...] = ()) -> list[str]:
    """Every command the program has, sub-commands spelt "akun tambah" (a new one is covered too)."""
    import typer

    group = group or typer.main.get_command(cli.app)
    found = []
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):  # a group (Typer vendors its own click)
            found += _commands(command, (*prefix, name))
        else:
            found.append(" ".join((*prefix, name)))
    return found


COMMANDS = _commands()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_shows_examples(command, capsys):
    # `ektp <command> --help` exits 0 and ends with examples that start with `ektp <command>`
    assert cli.main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert "Contoh" in out and f"ektp {command}" in out.split("Contoh", 1)[1]


@pytest.mark.parametrize("command", ["", "akun", *COMMANDS])
def test_the_help_names_each_value_and_its_panels_in_the_program_s_words(command, capsys):
    # Typer showed `<str>`, `<path>`, `<int>` for an option's value and `<bool>` beside a flag (as
    # if it took one): an option names its value (FOLDER, BERKAS, KODE, ...), a flag nothing, and
    # -h says what it does in Indonesian; -h and --help both answer
    for flag in ("-h", "--help"):
        assert cli.main([*command.split(), flag]) == 0
        out = capsys.readouterr().out
        options = out.split("─ Opsi ─", 1)[1].split("╰", 1)[0]
        assert not re.search(r"<[a-z|]+>", options), options
        assert "Tampilkan bantuan ini, lalu keluar." in options and "Show this message" not in out
        # the panels in the program's words, all of them
        assert not re.search(r"─ (Options|Arguments|Commands) ─", out), out
        # and the usage line and the marks beside an option: Typer said "Usage: ... [OPTIONS]
        # COMMAND [ARGS]...", "[required]", "[default: 0]"; an argument named its value `<path>`
        assert out.lstrip().startswith(f"Cara pakai: {' '.join(['ektp', *command.split()])} [OPSI]"), out
        assert not re.search(r"Usage|OPTIONS|COMMAND|ARGS|\[required\]|\[default|\[env var", out), out
        arguments = out.split("─ Argumen ─", 1)[1].split("╰", 1)[0] if "─ Argumen ─" in out else ""
        assert not re.search(r"<[a-z|]+>", arguments), arguments
        assert ("─ Perintah ─" in out) == (command in ("", "akun"))


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("check", "ektp check [OPSI] BERKAS"),
        ("cadangan", "ektp cadangan [OPSI] BERKAS"),
        ("akun tambah", "ektp akun tambah [OPSI] NAMA"),
    ],
)
def test_the_usage_line_names_a_required_argument_bare(command, usage, capsys):
    # Typer wrote `{BERKAS}`: braces an operator could take for part of what to type
    assert cli.main([*command.split(), "--help"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0].strip()
    assert line == f"Cara pakai: {usage}"


def test_a_required_value_is_marked_in_the_program_s_words(capsys):
    assert cli.main(["kunci", "--help"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"--sampai .*\[wajib\]", out), out


def test_the_command_is_built_once_a_process_and_answers_each_call_anew(capsys):
    # tests and `ektp serve` call main many times; Typer's build of the command (~16 ms) is kept
    first = cli._command()
    assert cli.main(["report", "--help"]) == 0 and "ektp report" in capsys.readouterr().out
    assert cli.main(["backfill", "--help"]) == 0 and "ektp backfill" in capsys.readouterr().out
    assert cli._command() is first


def test_a_bad_setting_is_one_line_and_exit_2(monkeypatch, capsys, tmp_path):
    # EKTP_BATCH_FILES=-1 once decided nothing silently; now the run does not start
    monkeypatch.setenv("EKTP_BATCH_FILES", "-1")
    code = cli.main(["nightly", "--landing", str(tmp_path), "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err
    assert code == 2 and err == "ektp: galat: EKTP_BATCH_FILES harus >= 1, bukan '-1'\n"


def test_a_bad_date_flag_is_a_usage_error(capsys):
    assert cli.main(["report", "--date", "2018-13-01"]) == 2
    assert "bukan tanggal YYYY-MM-DD: '2018-13-01'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["kunci", "--kabupaten", "5201"], "opsi '--sampai' wajib diisi (lihat: ektp kunci --help)"),
        (["check", "--kabupaten", "5201"], "argumen 'BERKAS' wajib diisi (lihat: ektp check --help)"),
        (
            ["report", "--date", "2018-13-01"],
            "nilai '--date' tidak sah: bukan tanggal YYYY-MM-DD: '2018-13-01' (lihat: ektp report --help)",
        ),
        (
            ["nightly", "--dat", "2018-04-01"],
            "opsi tidak dikenal: --dat (mungkin: --date) (lihat: ektp nightly --help)",
        ),
        (["nightly", "--tanggal"], "opsi tidak dikenal: --tanggal (lihat: ektp nightly --help)"),
        (["nightly", "--date"], "opsi --date perlu nilai"),
        (
            ["report", "--date", "2018-04-01", "sabtu", "(y)"],
            "argumen berlebih: sabtu (y) (lihat: ektp report --help)",
        ),
    ],
    ids=["opsi-wajib", "argumen-wajib", "nilai", "opsi-mirip", "opsi-asing", "tanpa-nilai", "berlebih"],
)
def test_a_usage_error_is_said_in_indonesian_on_one_line(args, line, capsys):
    # Click's own messages are English ("Missing option '--sampai'."): a province official who
    # locks figures with `ektp kunci` reads the program's language.
    assert cli.main(args) == 2
    assert capsys.readouterr().err == f"ektp: galat: {line}\n"


def test_a_usage_error_writes_out_what_the_terminal_would_hide(capsys):
    assert cli.main(["nightly", "--\x1b[2Jx\u202e"]) == 2
    err = capsys.readouterr().err
    assert err == "ektp: galat: opsi tidak dikenal: --\\x1b[2Jx\\u202e (lihat: ektp nightly --help)\n"


def test_an_error_line_writes_out_a_name_s_line_break_and_escape_sequence(tmp_path, capsys):
    # the warehouse path comes back in the refusal: its hidden characters are written out, so the
    # refusal is one line and nothing reaches the terminal as a command
    warehouse = tmp_path / "a\nektp: selesai\x1b[2J" / "w.duckdb"
    assert cli.main(["report", "--date", "2018-04-01", "--warehouse", str(warehouse)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("ektp: galat: gudang data belum ada")
    assert "a\\nektp: selesai\\x1b[2J/w.duckdb" in err and "\x1b" not in err


def test_a_bug_s_multi_line_message_is_one_line(monkeypatch, capsys):
    # a library's error (DuckDB's name a line of the query under theirs) is still one line
    class Broken:
        def main(self, **_):
            raise RuntimeError("Binder Error: kolom x\n\nLINE 1: select x\x1b[0m")

    monkeypatch.setattr(cli, "_command", Broken)
    assert cli.main(["nightly"]) == 3
    assert capsys.readouterr().err == (
        "ektp: galat internal (RuntimeError): Binder Error: kolom x\\n\\nLINE 1: select x\\x1b[0m."
        " Jalankan ulang dengan EKTP_DEBUG=1 untuk rinciannya.\n"
    )


def test_a_log_line_with_a_line_break_in_a_name_cannot_forge_another(capsys):
    console.setup(0, debug=False)
    logging.getLogger("pipeline.runs").warning("berkas %s dilewati", "x.csv\nektp: galat: palsu")
    assert capsys.readouterr().err == "ektp: peringatan: berkas x.csv\\nektp: galat: palsu dilewati\n"


@pytest.mark.parametrize("command", ["nightly", "report", "pengingat"])
def test_a_date_after_today_is_refused_before_anything_is_written_or_sent(
    command, monkeypatch, tmp_path, capsys
):
    # a year mistyped (2062 for 2026) once wrote a report "per 1 Januari 2062"; a reminder for it
    # would be mailed to every district
    monkeypatch.setenv("EKTP_TODAY", "2018-04-04")
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    args = [command, "--date", "2018-04-05", "--landing", str(tmp_path), "--warehouse", str(warehouse)]
    assert cli.main(args) == 2
    assert capsys.readouterr().err == "ektp: galat: --date 2018-04-05 sesudah hari ini (2018-04-04, WITA)\n"
    assert list(tmp_path.iterdir()) == []  # no warehouse, report folder or portal database


def test_a_backfill_given_an_empty_kabupaten_is_refused_not_run_for_every_district(tmp_path, capsys):
    args = ["backfill", "--from", "2018-04-01", "--to", "2018-04-02", "--kabupaten", ""]
    assert cli.main([*args, "--landing", str(tmp_path), "--warehouse", str(tmp_path / "g" / "w.duckdb")]) == 2
    assert capsys.readouterr().err.startswith("ektp: galat: --kabupaten kosong ('')")
    assert list(tmp_path.iterdir()) == []


def test_a_usage_error_click_words_differently_still_gets_one_line(monkeypatch, capsys):
    # The translation reads Typer's private click; should it change, click's own words are said
    def changed(exc):
        raise AttributeError("option_name")

    monkeypatch.setattr(cli, "_usage_message", changed)
    assert cli.main(["kunci", "--kabupaten", "5201"]) == 2
    assert capsys.readouterr().err == "ektp: galat: Missing option '--sampai'. (lihat: ektp kunci --help)\n"


def test_a_failure_inside_the_flow_run_is_one_line_without_traceback(prefect_server, tmp_path, capsys):
    # the warehouse path lies under a file: the flow run fails; the operator reads one line
    # naming the path, and Prefect's traceback stays in the flow run's log on the server
    landing = tiny_landing(tmp_path / "landing")
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    code = cli.main(
        [
            "nightly",
            "--date",
            D3.isoformat(),
            "--landing",
            str(landing),
            "--warehouse",
            str(blocker / "w.duckdb"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ektp: galat: folder gudang data tidak dapat dibuat"), (
        captured.err
    )
    assert str(blocker) in lines[0] and "Traceback" not in captured.err + captured.out


def test_no_progress_bars_when_output_is_not_a_terminal(prefect_server, tmp_path, capsys):
    # a nightly into a pipe prints its summary and nothing else on stdout
    landing = tiny_landing(tmp_path / "landing")
    assert (
        cli.main(
            [
                "nightly",
                "--date",
                D3.isoformat(),
                "--landing",
                str(landing),
                "--warehouse",
                str(tmp_path / "w.duckdb"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("Proses ") and "berkas dibaca" not in out and "\x1b[" not in out


def test_progress_bars_count_files_per_stage():
    # on a terminal the bars show read, validated and loaded files as the run reports them
    screen = io.StringIO()
    bars = console.Bars(Console(file=screen, force_terminal=True, width=100))
    before = progress.install(bars)
    try:
        with bars:
            progress.expect("baca", 7)
            progress.advance("baca", 4)
            progress.advance("baca", 3)
            progress.expect("validasi", 7)
            progress.advance("validasi", 7)
            shown = {t.description.strip(): (t.completed, t.total) for t in bars._progress.tasks}
    finally:
        progress.install(before)
    assert shown == {"berkas dibaca": (7, 7), "berkas divalidasi": (7, 7)}


def test_quiet_and_verbose_set_the_log_level(capsys):
    # warnings by default, errors only with -q, informational lines with -v
    for verbosity, shown in (
        (-1, ["galat"]),
        (0, ["peringatan", "galat"]),
        (1, ["info", "peringatan", "galat"]),
    ):
        console.setup(verbosity, debug=False)
        log = logging.getLogger("pipeline.runs")
        log.info("info")
        log.warning("peringatan")
        log.error("galat")
        err = capsys.readouterr().err
        assert [w for w in ("info", "peringatan", "galat") if f"{w}\n" in err] == shown
    console.setup(0, debug=False)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_landing_and_warehouse(command, capsys):
    # CONTRACT §3: every command takes --landing and --warehouse
    assert cli.main([*command.split(), "--help"]) == 0
    out = capsys.readouterr().out
    assert "--landing" in out and "--warehouse" in out


@pytest.mark.parametrize(
    ("command", "answer"), [("check", "Status: DITERIMA"), ("status", "masalah: basis data portal")]
)
def test_a_command_that_runs_no_flow_never_imports_prefect(command, answer, tmp_path):
    # Prefect (~1 s of CPU, ~35 MB) is imported by the commands that run flows only: `ektp check`
    # and `ektp status`, verbose, in a fresh interpreter, answer and leave it out
    from tests.uploads import KOTA_BIMA, day_file

    args = ["-v", command, "--warehouse", str(tmp_path / "gudang" / "ektp.duckdb")]
    if command == "check":
        path = day_file(tmp_path / "landing", "5272", KOTA_BIMA, D3, base=5_000, step=10)
        args += [str(path), "--kabupaten", "5272"]
    probe = (
        "import json, sys\n"
        "from ektp import cli\n"
        f"cli.main({args!r})\n"
        "print(json.dumps(sorted(m for m in ('prefect', 'great_expectations') if m in sys.modules)))\n"
    )
    env = {**os.environ, "EKTP_TODAY": D3.isoformat(), "EKTP_LANDING": str(tmp_path / "landing")}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    *said, imported = done.stdout.strip().splitlines()
    assert answer in "\n".join(said), done.stdout + done.stderr  # the file's receipt; the health
    assert json.loads(imported) == []
