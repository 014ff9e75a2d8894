"""`ektp akun tambah|hapus|sandi|daftar`: accounts in the portal's own database, argon2 hashes,
passwords typed without echo or read from standard input, never printed or stored."""

from __future__ import annotations

import io
import logging
import re
import sqlite3

import argon2
import pytest

from contract import regions
from contract.errors import UsageError
from contract.settings import Settings
from ektp import cli
from portal import accounts, app, auth
from portal import db as portal_db

pytestmark = pytest.mark.fast_tier  # starts no server: in `make check` (tests/tiers.py)


@pytest.fixture
def where(tmp_path):
    warehouse = tmp_path / "gudang" / "ektp.duckdb"
    return ["--warehouse", str(warehouse)], warehouse.parent / "portal.sqlite"


def akun(args, stdin="", monkeypatch=None):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["akun", *args])


@pytest.mark.parametrize(
    "args",
    [["daftar"], ["hapus", "lobar"], ["buka", "lobar"], ["nonaktif", "lobar"], ["surel", "lobar", "a@b.id"]],
)
def test_only_tambah_makes_the_portal_database(where, monkeypatch, capsys, args):
    # a mistyped EKTP_PORTAL_DB once answered "0 akun" from an empty database made there
    flags, db_path = where
    assert akun([*args, *flags], "", monkeypatch) == 2
    assert capsys.readouterr().err == (
        "ektp: galat: basis data portal tidak ada; akun pertama dibuat dengan `ektp akun tambah`"
        f" (portal_db={db_path})\n"
    )
    assert not db_path.exists() and not db_path.parent.exists()
    assert (
        akun(
            ["tambah", "lobar", "--peran", "provinsi", "--sandi-stdin", *flags],
            "sandi-prov-1234\n",
            monkeypatch,
        )
        == 0
    )
    assert akun([*args, *flags], "", monkeypatch) == 0


def test_accounts_are_added_listed_changed_and_removed(where, monkeypatch, capsys):
    flags, db_path = where
    assert (
        akun(
            ["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", "5201", "--sandi-stdin", *flags],
            "sandi-lobar-123\n",
            monkeypatch,
        )
        == 0
    )
    assert (
        akun(
            ["tambah", "prov", "--peran", "provinsi", "--sandi-stdin", *flags],
            "sandi-prov-1234\n",
            monkeypatch,
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Akun lobar (kabupaten 5201) dibuat" in out and "sandi-" not in out
    # beside the warehouse, never in it, and readable only by its owner (it holds hashes)
    assert db_path.exists() and oct(db_path.stat().st_mode & 0o777) == "0o600"
    assert akun(["daftar", *flags], "", monkeypatch) == 0
    listed = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in listed[1:3]] == [
        ["prov", "provinsi", "-"],
        ["lobar", "kabupaten", "5201"],
    ]
    # when each was made, in the program's words and zone (it printed 2026-12-07T10:32:12+00:00)
    made = [line.split("-", 1)[1].split()[-5:] for line in listed[1:3]]
    assert all(re.fullmatch(r"\d{1,2} \w+ \d{4} \d\d\.\d\d WITA", " ".join(m)) for m in made), listed

    # argon2id hashes, no password anywhere in the file
    with sqlite3.connect(db_path) as con:
        hashes = [h for (h,) in con.execute("select sandi_hash from akun")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert b"sandi-lobar-123" not in db_path.read_bytes()
    assert accounts.verify(
        db_path, "lobar", "sandi-lobar-123", hasher=accounts.hasher(Settings())
    ) == accounts.Akun("lobar", "kabupaten", "5201")
    assert accounts.verify(db_path, "lobar", "salah-sandi-99", hasher=accounts.hasher(Settings())) is None

    # a new password ends the account's sessions
    token, _ = auth.start(db_path, accounts.Akun("lobar", "kabupaten", "5201"))
    assert auth.current(db_path, token) is not None
    assert akun(["sandi", "lobar", "--sandi-stdin", *flags], "sandi-baru-4567\n", monkeypatch) == 0
    assert auth.current(db_path, token) is None
    assert (
        accounts.verify(db_path, "lobar", "sandi-baru-4567", hasher=accounts.hasher(Settings())) is not None
    )

    assert akun(["hapus", "lobar", *flags], "", monkeypatch) == 0
    assert accounts.verify(db_path, "lobar", "sandi-baru-4567", hasher=accounts.hasher(Settings())) is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", "5301"],
            "kabupaten di luar cakupan: 5301\n",
        ),
        # a code not given was said as `(kabupaten=None)`
        (["tambah", "lobar", "--peran", "kabupaten"], "perlu --kabupaten, kode kabupaten/kota, mis. 5201\n"),
        (["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", "52\u202e01"], "cakupan: 52\\u202e01\n"),
        (["tambah", "prov", "--peran", "provinsi", "--kabupaten", "5201"], "tidak terikat pada kabupaten"),
        (["tambah", "prov", "--peran", "raja"], "peran harus salah satu dari kabupaten, provinsi, admin"),
        (["tambah", "Lo Bar", "--peran", "provinsi"], "nama akun harus"),
        (["tambah", "_x", "--peran", "provinsi"], "nama akun harus"),
        (["hapus", "tidak-ada"], "akun tidak ada"),
        (["sandi", "tidak-ada"], "akun tidak ada"),
    ],
)
def test_a_bad_account_command_is_one_line_and_exit_2(where, monkeypatch, capsys, args, message):
    flags, db_path = where
    portal_db.create(db_path)  # the portal's database is there (test_only_tambah_makes_... without)
    code = akun(
        [*args, "--sandi-stdin", *flags] if args[0] != "hapus" else [*args, *flags],
        "sandi-panjang-123\n",
        monkeypatch,
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("ektp: galat: ") and message in err, err
    assert "sandi-panjang" not in err


def test_a_district_code_is_taken_as_the_other_commands_take_it(where, monkeypatch, capsys):
    # spaces around a pasted code were refused as out of scope
    flags, db_path = where
    portal_db.create(db_path)
    args = ["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", " 5201 ", "--sandi-stdin", *flags]
    assert akun(args, "sandi-panjang-123\n", monkeypatch) == 0
    assert (
        akun(["peran", "lobar", "--peran", "kabupaten", "--kabupaten", "5202\t", *flags], "", monkeypatch)
        == 0
    )
    (row,) = [r for r in accounts.listing(db_path) if r["nama"] == "lobar"]
    assert row["kode_kabupaten"] == "5202"


def test_short_and_repeated_passwords_and_taken_names(where, monkeypatch, capsys):
    flags, _ = where
    assert (
        akun(["tambah", "prov", "--peran", "provinsi", "--sandi-stdin", *flags], "pendek\n", monkeypatch) == 2
    )
    assert "sandi terlalu pendek" in capsys.readouterr().err
    assert (
        akun(
            ["tambah", "prov", "--peran", "provinsi", "--sandi-stdin", *flags],
            "sandi-prov-1234\n",
            monkeypatch,
        )
        == 0
    )
    assert (
        akun(
            ["tambah", "prov", "--peran", "admin", "--sandi-stdin", *flags], "sandi-prov-1234\n", monkeypatch
        )
        == 2
    )
    assert "akun sudah ada" in capsys.readouterr().err


def test_a_password_is_typed_twice_without_echo(where, monkeypatch, capsys):
    # on a terminal the password is asked twice through getpass (no echo); a mismatch adds nothing
    flags, db_path = where
    typed = iter(["sandi-admin-123", "sandi-admin-123", "sandi-admin-123", "lain-sandinya-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    assert cli.main(["akun", "tambah", "adm", "--peran", "admin", *flags]) == 0
    assert cli.main(["akun", "tambah", "adm2", "--peran", "admin", *flags]) == 2
    assert "kedua sandi tidak sama" in capsys.readouterr().err
    assert [a["nama"] for a in accounts.listing(db_path)] == ["adm"]


def test_without_a_terminal_the_password_must_come_from_stdin(where, monkeypatch, capsys):
    flags, _ = where
    assert akun(["tambah", "adm", "--peran", "admin", *flags], "sandi-admin-123\n", monkeypatch) == 2
    assert "--sandi-stdin" in capsys.readouterr().err


# Deliberately weak passwords: each must be refused with a sentence saying what to do.
WEAK = [
    ("          ", "satu karakter yang diulang"),
    ("aaaaaaaaaa", "satu karakter yang diulang"),
    ("kabupaten-lobar", None),  # passes: the name with a word beside it
    ("lobar", "terlalu pendek"),
    ("LOBAR2018!!", "tidak boleh nama akun"),
    ("lobar-lobar-12", "tidak boleh nama akun"),
    ("password123", "mudah ditebak"),
    ("1234567890", "mudah ditebak"),
    ("qwertyuiop", "mudah ditebak"),
]


@pytest.mark.parametrize(("sandi", "message"), WEAK)
def test_the_password_policy_says_what_to_do(sandi, message):
    if message is None:
        accounts.check_password(sandi, "lobar")
        return
    with pytest.raises(UsageError) as refused:
        accounts.check_password(sandi, "lobar")
    assert message in refused.value.message


def test_ektp_akun_refuses_a_weak_password_typed_or_piped(where, monkeypatch, capsys):
    flags, db_path = where
    tambah = ["tambah", "lobar", "--peran", "kabupaten", "--kabupaten", "5201", "--sandi-stdin", *flags]
    assert akun(tambah, "Lobar12345\n", monkeypatch) == 2  # deliberately weak: the account name
    assert "tidak boleh nama akun" in capsys.readouterr().err
    assert akun(tambah, "sandi-lobar-123\n", monkeypatch) == 0
    # on a terminal the policy is applied before the password is asked a second time
    typed = iter(["password123"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    assert cli.main(["akun", "sandi", "lobar", *flags]) == 2
    assert "mudah ditebak" in capsys.readouterr().err
    assert (
        accounts.verify(db_path, "lobar", "sandi-lobar-123", hasher=accounts.hasher(Settings())) is not None
    )


def default_cost() -> Settings:
    """The settings' own argon2 cost, not the tests' least (tests/argon2_cost.py)."""
    fields = Settings.model_fields
    return Settings(**{name: fields[name].default for name in DEFAULT_COST_FIELDS})


DEFAULT_COST_FIELDS = ("argon2_memory_kib", "argon2_time_cost", "argon2_parallelism")


def test_passwords_are_hashed_at_rfc_9106_low_memory_cost_by_default():
    hasher = accounts.hasher(default_cost())
    profile = argon2.profiles.RFC_9106_LOW_MEMORY
    assert (hasher.memory_cost, hasher.time_cost, hasher.parallelism) == (
        profile.memory_cost,
        profile.time_cost,
        profile.parallelism,
    )
    assert argon2.extract_parameters(hasher.hash("sandi-lobar-123")).memory_cost == 64 * 1024
    assert not accounts.weaker_than_owasp(default_cost())
    assert accounts.weaker_than_owasp(Settings())  # the tests' own cost


def test_a_hash_of_one_cost_opens_the_account_at_another_and_is_hashed_anew(tmp_path):
    path = portal_db.create(tmp_path / "portal.sqlite")
    default, least = accounts.hasher(default_cost()), accounts.hasher(Settings())
    accounts.add(path, "lobar", "kabupaten", "5201", "sandi-lobar-123", regions.load("52"), hasher=default)
    assert accounts.verify(path, "lobar", "salah-sandi-99", hasher=least) is None
    assert stored_cost(path, "lobar") == 64 * 1024  # a wrong password changes nothing
    assert accounts.verify(path, "lobar", "sandi-lobar-123", hasher=least) is not None
    assert stored_cost(path, "lobar") == least.memory_cost
    assert accounts.verify(path, "lobar", "sandi-lobar-123", hasher=default) is not None
    assert stored_cost(path, "lobar") == 64 * 1024


def stored_cost(path, nama: str) -> int:
    with sqlite3.connect(path) as con:
        (hashed,) = con.execute("select sandi_hash from akun where nama = ?", [nama]).fetchone()
    return argon2.extract_parameters(hashed).memory_cost


def test_a_cost_argon2_cannot_take_stops_the_portal_at_its_start_in_one_line(tmp_path):
    settings = Settings(warehouse=tmp_path / "ektp.duckdb", argon2_memory_kib=16, argon2_parallelism=4)
    with pytest.raises(UsageError, match="EKTP_ARGON2_MEMORY_KIB harus >= 8 x EKTP_ARGON2_PARALLELISM"):
        app.build(settings)
    with pytest.raises(UsageError, match="EKTP_ARGON2_TIME_COST harus >= 1"):
        Settings.load(argon2_time_cost=0)


@pytest.mark.parametrize("cost, warned", [("least", True), ("default", False)])
def test_a_portal_below_owasp_s_least_cost_says_so_when_it_starts(tmp_path, caplog, cost, warned):
    (tmp_path / "landing").mkdir()
    settings = (Settings() if cost == "least" else default_cost()).with_flags(
        warehouse=tmp_path / "ektp.duckdb", landing=tmp_path / "landing"
    )
    with caplog.at_level(logging.WARNING, logger="portal.app"):
        app.build(settings)
    said = [r.getMessage() for r in caplog.records if "OWASP" in r.getMessage()]
    assert bool(said) == warned, said


def test_the_unknown_name_s_hash_is_made_as_the_portal_starts_not_at_a_login(tmp_path):
    """Else the first wrong name after a start costs two hashes, and tells that the name is unknown."""
    (tmp_path / "landing").mkdir()
    # a cost of this test alone: no other test made its dummy hash in this process
    settings = Settings().with_flags(
        warehouse=tmp_path / "ektp.duckdb", landing=tmp_path / "landing", argon2_memory_kib=1032
    )
    made = accounts.dummy.cache_info().misses
    app.build(settings)
    assert accounts.dummy.cache_info().misses == made + 1
    path = portal_db.path_of(settings)
    assert accounts.verify(path, "tidak-ada", "sandi-apa-saja-1", hasher=accounts.hasher(settings)) is None
    assert accounts.dummy.cache_info().misses == made + 1
