"""`ektp`: the command-line program of CONTRACT §3 (Typer).

Every command builds one Settings (defaults, EKTP_* environment, its flags) and hands it on as a
parameter. Exit status: 0 when the command did its work (rejected files included), 1 for `check`
on a rejected file, 2 with one line when it could not (bad arguments, unusable warehouse, ...),
3 with one line for a bug (EKTP_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import re
import sys
from functools import cache, partial
from types import MethodType

import typer

from contract.errors import EktpError
from contract.formats import visible

# The commands register themselves on the app when imported.
from ektp import perintah_akun, perintah_persetujuan, perintah_proses, perintah_server  # noqa: F401
from ektp.app import State, app, one_command, settings_of


@cache
def _command():  # typer._click.Command: Typer vendors its click privately
    """The click command Typer builds from the app (~10 ms, from every command's signature): once
    a process, which calls `main` many times when it is a test or `ektp serve`'s flow runs."""
    return _said_plainly(typer.main.get_command(app))


HELP = "Tampilkan bantuan ini, lalu keluar."
# The help's panels, by Typer's `rich_help_panel` (a parameter's and a command's own attribute).
PANELS = {"option": "Opsi", "argument": "Argumen", "command": "Perintah"}


def _said_plainly(command, names: list[str] | None = None):
    """The command tree with its help in the program's words: a flag shows no value (Typer shows
    `<bool>` beside it, as if it took one), -h/--help says what it does in Indonesian, and the
    panels are Opsi, Argumen and Perintah. An option that takes a value names it where it is
    declared (`metavar`: FOLDER, BERKAS, KODE); tests/ektp/test_cli.py finds any that does not.
    An argument names its value where it is declared too (BERKAS, NAMA). The usage line reads
    `Cara pakai: ektp check [OPSI] BERKAS`, and the marks beside an option `[wajib]`, `[bawaan: ...]`.
    Typer's click keeps one help option a command (made at the first call): made here with the
    program's names and words; a Typer that made it anew at each call would show click's words
    again, nothing worse."""
    names = names or command.context_settings["help_option_names"]
    helper = command.get_help_option(command.context_class(command, help_option_names=names))
    if helper is not None:
        helper.help = HELP
    for param in [*command.params, *([helper] if helper is not None else [])]:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        if param.param_type_name == "argument":  # its name says what it is: no `<path>` beside it
            param.display_type_rich = _no_type
        param.rich_help_panel = PANELS[param.param_type_name]
    command.options_metavar = "[OPSI]"
    if hasattr(command, "subcommand_metavar"):
        command.subcommand_metavar = "PERINTAH [ARGUMEN]..."
    command.format_usage = MethodType(_usage, command)
    command.format_help = MethodType(partial(_help, type(command).format_help), command)
    for sub in getattr(command, "commands", {}).values():
        sub.rich_help_panel = PANELS["command"]
        _said_plainly(sub, names)
    return command


USAGE = "Cara pakai: "
# Typer's marks beside an option (typer.rich_utils' module constants, read as each help is drawn).
MARKS = {
    "REQUIRED_LONG_STRING": "[wajib]",
    "DEFAULT_STRING": "[bawaan: {}]",
    "ENVVAR_STRING": "[env: {}]",
    "DEPRECATED_STRING": "(usang) ",
}


def _no_type(ctx) -> None:
    return None


def _usage(command, ctx, formatter) -> None:
    """Click's usage line (Command.format_usage) with the program's word for "Usage", and a required
    argument named bare, as usage lines name it: Typer writes `{BERKAS}`, braces an operator could
    take for part of what to type (an optional one stays `[NAMA]`)."""
    pieces = [_REQUIRED.sub(r"\1\2", piece) for piece in command.collect_usage_pieces(ctx)]
    formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=USAGE)


_REQUIRED = re.compile(r"^\{([^{}]+)\}(\.\.\.)?$")  # Typer's mark of a required argument


def _help(draw, command, ctx, formatter) -> None:
    """Typer's help with the program's marks; set here, when a help is drawn, because importing
    typer.rich_utils costs ~30 ms that a command which shows no help should not pay."""
    from typer import rich_utils

    for name, said in MARKS.items():
        setattr(rich_utils, name, said)
    draw(command, ctx, formatter)


def _debug() -> bool:
    """EKTP_DEBUG, also when the settings themselves were what failed."""
    try:
        return settings_of().debug
    except EktpError:
        return False


def _usage_line(exc: typer.TyperException) -> str:
    """Click's usage error as one line, in the program's language.

    For example `ektp: galat: opsi '--from' wajib diisi (lihat: ektp backfill --help)`.
    """
    try:
        said = _usage_message(exc)
    except (AttributeError, TypeError):  # a Typer whose click differs: its own words, still one line
        said = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    return _error_line(" ".join(said.split())) + (
        f" (lihat: {ctx.command_path} --help)" if ctx is not None else ""
    )


def _error_line(message: str, kind: str = "galat") -> str:
    """`ektp: galat: <message>`, one line whatever the message holds: what the operator typed, a
    file or folder name, a library's multi-line error come back in it with their hidden characters
    (an escape sequence, a line break) written out (contract.formats.visible)."""
    return f"ektp: {kind}: {visible(message)}"


def _usage_message(exc: typer.TyperException) -> str:
    """Click's messages are English; those an operator meets (a missing, unknown or bad option, a
    word too many) are said in Indonesian, with the same names. Typer vendors click privately, so
    its classes are told by name; any other keeps click's message."""
    kind = type(exc).__name__
    message = str(getattr(exc, "message", ""))
    if kind == "NoSuchOption":
        mirip = sorted(getattr(exc, "possibilities", None) or ())
        return f"opsi tidak dikenal: {exc.option_name}" + (f" (mungkin: {', '.join(mirip)})" if mirip else "")  # type: ignore[attr-defined]
    if kind in ("MissingParameter", "BadParameter"):
        hint = _param_hint(exc)
        if hint is None:
            return exc.format_message()
        if kind == "MissingParameter":
            what = "argumen" if getattr(exc.param, "param_type_name", "") == "argument" else "opsi"  # type: ignore[attr-defined]
            return f"{what} {hint} wajib diisi"
        return f"nilai {hint} tidak sah: {message}"
    if kind == "BadOptionUsage" and message.endswith("requires an argument."):
        return f"opsi {exc.option_name} perlu nilai"  # type: ignore[attr-defined]
    extra = "Got unexpected extra argument(s) ("
    if kind == "UsageError" and message.startswith(extra) and message.endswith(")"):
        return "argumen berlebih: " + message[len(extra) : -1]
    return exc.format_message()


def _param_hint(exc: typer.TyperException) -> str | None:
    """The option or argument a parameter error is about, as click names it ('--from')."""
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if hint is None or isinstance(hint, str):
        return hint
    return " / ".join(repr(h) for h in hint)


def main(argv: list[str] | None = None) -> int:
    """The program: `argv` None when it is the process itself (`ektp ...`), a list when called."""
    from flows import environment

    State.program = argv is None
    environment.configure()
    try:
        code = _command().main(args=argv, prog_name="ektp", standalone_mode=False)
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
        print(_error_line(str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ektp: dihentikan", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one clear line, the traceback only on request
        if _debug():
            raise
        print(
            _error_line(
                f"{exc}. Jalankan ulang dengan EKTP_DEBUG=1 untuk rinciannya.",
                f"galat internal ({type(exc).__name__})",
            ),
            file=sys.stderr,
        )
        return 3
    return code if isinstance(code, int) else 0


def entry() -> int:
    """The `ektp` program itself (its script, `python -m ektp.cli`): a process that ends after its
    one command. `main` alone is for callers that go on (the tests run it in-process)."""
    one_command()
    return main()


if __name__ == "__main__":
    sys.exit(entry())
