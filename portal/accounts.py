"""Accounts: one per kabupaten office (bound to its code), `provinsi` (sees every district) and
`admin` (what provinsi sees, plus the account list and the whole upload log). Only a kabupaten
account sends files, and only into its own inbox: the inbox folder is the uploader's identity
(CONTRACT §1). Passwords are stored as argon2id hashes; accounts are managed with `ektp akun`.
"""

from __future__ import annotations

import functools
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import zxcvbn
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from contract.errors import UsageError
from contract.regions import Reference
from contract.settings import Settings
from portal import db

ROLES = ("kabupaten", "provinsi", "admin")
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
MIN_PASSWORD = 10
MIN_SCORE = 3  # zxcvbn: 3 is "safely unguessable", about 10^8 guesses and more
MAX_PASSWORD = 1024  # argon2 takes any length; a megabyte "password" is only a way to burn CPU

# OWASP's least argon2id cost (19 MiB, two passes): a portal set below it says so when it starts.
OWASP_MEMORY_KIB = 19 * 1024
OWASP_TIME_COST = 2


def hasher(settings: Settings) -> PasswordHasher:
    """argon2id at the settings' cost: RFC 9106's low-memory choice (64 MiB, three passes, four
    lanes) unless lowered. Only the tests lower it: a login there cost 0.23 s of CPU, and the
    suite signs in and sets passwords some 350 times. A hash keeps its own cost, so a password
    set at one cost is still checked by a portal at another (and hashed anew at its next login)."""
    if settings.argon2_memory_kib < 8 * settings.argon2_parallelism:
        raise UsageError(
            "EKTP_ARGON2_MEMORY_KIB harus >= 8 x EKTP_ARGON2_PARALLELISM",
            memory_kib=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
    return _hasher(settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism)


def weaker_than_owasp(settings: Settings) -> bool:
    return settings.argon2_memory_kib < OWASP_MEMORY_KIB or settings.argon2_time_cost < OWASP_TIME_COST


@functools.cache
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


@functools.cache
def dummy(hasher: PasswordHasher) -> str:
    """Verified when the name is unknown, so that a wrong name costs as long as a wrong password.
    Made by the portal as it starts (portal.app.build), so that no login pays for it (a first
    unknown name would cost two hashes), and not when the module is imported (`ektp akun daftar`
    hashes nothing)."""
    return hasher.hash("bukan sandi siapa pun")


@dataclass(frozen=True)
class Akun:
    """Who is signed in, and what that lets them do."""

    nama: str
    peran: str
    kode_kabupaten: str | None
    harus_ganti: bool = False  # signed in with a one-time password: must choose its own first

    @property
    def provinsi(self) -> bool:
        """Sees every district and the province pages."""
        return self.peran in ("provinsi", "admin")

    @property
    def admin(self) -> bool:
        return self.peran == "admin"

    def sees(self, kode: str) -> bool:
        """May read the pages of kabupaten `kode`."""
        return self.provinsi or self.kode_kabupaten == kode

    def sends(self, kode: str) -> bool:
        """May send files into the inbox of kabupaten `kode`."""
        return self.peran == "kabupaten" and self.kode_kabupaten == kode


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def check_password(sandi: str, nama: str = "") -> None:
    """The password policy (issue #20 item 8), one UsageError saying what to do: at least
    MIN_PASSWORD characters, not one character repeated, not the account name nor the name with
    only digits and signs around it, and hard to guess for zxcvbn (score >= MIN_SCORE: common
    passwords, words, dates, keyboard rows and the account name count as easy)."""
    if len(sandi) < MIN_PASSWORD:
        raise UsageError(f"sandi terlalu pendek: minimal {MIN_PASSWORD} karakter")
    if len(sandi) > MAX_PASSWORD:
        raise UsageError(f"sandi terlalu panjang: maksimal {MAX_PASSWORD} karakter")
    if len(set(sandi)) == 1:
        raise UsageError("sandi tidak boleh satu karakter yang diulang; pakai beberapa kata")
    if nama and _only_the_name(sandi, nama):
        raise UsageError("sandi tidak boleh nama akun, juga bila ditambah angka atau tanda; pakai kata lain")
    if _score(sandi, nama) < MIN_SCORE:
        raise UsageError(
            "sandi terlalu mudah ditebak (sandi umum, kata, tanggal atau urutan tombol); gabungkan"
            " tiga kata atau lebih yang tidak umum, boleh dengan angka"
        )


def _only_the_name(sandi: str, nama: str) -> bool:
    """The account name, in any case, with nothing but digits, signs and spaces around it
    (`lobar`, `Lobar2018!`, `123-LOBAR-lobar`)."""
    rest = sandi.lower().replace(nama.lower(), "")
    return len(rest) < len(sandi) and not any(c.isalpha() for c in rest)


def _score(sandi: str, nama: str) -> int:
    # zxcvbn's time grows fast with length; as its JavaScript original does, only the first
    # 100 characters are scored (a longer password is not short of guesses).
    found = zxcvbn.zxcvbn(sandi[:100], user_inputs=[nama, *re.split(r"[._-]", nama)] if nama else [])
    return int(found["score"])


def add(
    path: Path,
    nama: str,
    peran: str,
    kode: str | None,
    sandi: str,
    reference: Reference,
    *,
    hasher: PasswordHasher,
) -> Akun:
    """A new account; a UsageError naming what is wrong (name, role, code, password, taken)."""
    if not NAME.match(nama):
        raise UsageError(
            "nama akun harus 2-40 huruf kecil, angka, titik, garis bawah atau tanda minus,"
            " diawali huruf/angka",
            nama=nama,
        )
    kode = _district(peran, kode, reference)
    check_password(sandi, nama)
    stamp = now_iso()
    with db.connect(path) as con:
        if con.execute("select 1 from akun where nama = ?", [nama]).fetchone():
            raise UsageError("akun sudah ada", nama=nama)
        con.execute(
            "insert into akun (nama, peran, kode_kabupaten, sandi_hash, dibuat_pada, diubah_pada)"
            " values (?, ?, ?, ?, ?, ?)",
            [nama, peran, kode, hasher.hash(sandi), stamp, stamp],
        )
    return Akun(nama, peran, kode)


def _district(peran: str, kode: str | None, reference: Reference) -> str | None:
    """The account's district: its code stripped for a kabupaten account, None for the others; a
    UsageError naming what is wrong (it said `kabupaten=None` for a code not given)."""
    if peran not in ROLES:
        raise UsageError(f"peran harus salah satu dari {', '.join(ROLES)}", peran=peran)
    kode = (kode or "").strip() or None
    if peran != "kabupaten":
        if kode is not None:
            raise UsageError(f"akun {peran} tidak terikat pada kabupaten; hapus --kabupaten")
        return None
    if kode is None:
        raise UsageError("akun kabupaten perlu --kabupaten, kode kabupaten/kota, mis. 5201")
    reference.chosen([kode])  # out of scope: named as typed
    return kode


def remove(path: Path, nama: str) -> None:
    """Delete the account and its sessions (its uploads stay in the log)."""
    with db.connect(path) as con:
        if con.execute("delete from akun where nama = ?", [nama]).rowcount == 0:
            raise UsageError("akun tidak ada", nama=nama)


def set_password(
    path: Path,
    nama: str,
    sandi: str,
    one_time: bool = False,
    keep_session: str | None = None,
    *,
    hasher: PasswordHasher,
) -> None:
    """A new password; every open session of the account ends (but `keep_session`, the token hash
    of the session that changed it). `one_time`: it must be changed at the next login."""
    check_password(sandi, nama)
    with db.connect(path) as con, db.transaction(con):
        changed = con.execute(
            "update akun set sandi_hash = ?, diubah_pada = ?, harus_ganti = ? where nama = ?",
            [hasher.hash(sandi), now_iso(), int(one_time), nama],
        ).rowcount
        if not changed:
            raise UsageError("akun tidak ada", nama=nama)
        con.execute("delete from sesi where akun = ? and token_hash is not ?", [nama, keep_session])
        con.execute("delete from percobaan_masuk where akun = ?", [nama])


def reset(path: Path, nama: str, *, hasher: PasswordHasher) -> str:
    """A one-time password for the account (returned once), to be changed at its next login."""
    while True:  # 12 random characters (72 bits) pass the policy but for a freak draw, like `aaaa…`
        sandi = secrets.token_urlsafe(9)
        try:
            check_password(sandi, nama)
        except UsageError:
            continue
        set_password(path, nama, sandi, one_time=True, hasher=hasher)
        return sandi


def change_own(
    path: Path, nama: str, current: str, new: str, session: str, *, hasher: PasswordHasher
) -> None:
    """The account's own change: the current password, then the new one (not the same)."""
    if verify(path, nama, current, hasher=hasher) is None:
        raise UsageError("sandi sekarang salah")
    if new == current:
        raise UsageError("sandi baru harus berbeda dari sandi sekarang")
    set_password(path, nama, new, keep_session=session, hasher=hasher)


def listing(path: Path) -> list[dict]:
    """Every account (never its hash), by role then name, with whether it is disabled and its
    e-mail address (pipeline.kontak's table, once an address was ever set)."""
    with db.connect(path) as con:
        kontak = con.execute("select 1 from sqlite_master where name = 'akun_kontak'").fetchone()
        surel = "(select surel from akun_kontak k where k.nama = akun.nama)" if kontak else "null"
        rows = con.execute(
            f"select nama, peran, kode_kabupaten, dibuat_pada, diubah_pada, nonaktif, {surel} as surel"
            " from akun"
            " order by case peran when 'admin' then 0 when 'provinsi' then 1 else 2 end, kode_kabupaten, nama"
        ).fetchall()
    return [dict(r) for r in rows]


def set_active(path: Path, nama: str, aktif: bool) -> None:
    """Enable or disable an account; a disabled one signs not in, and its sessions end now."""
    with db.connect(path) as con, db.transaction(con):
        changed = con.execute(
            "update akun set nonaktif = ?, diubah_pada = ? where nama = ?", [int(not aktif), now_iso(), nama]
        ).rowcount
        if not changed:
            raise UsageError("akun tidak ada", nama=nama)
        if not aktif:
            con.execute("delete from sesi where akun = ?", [nama])


def set_role(path: Path, nama: str, peran: str, kode: str | None, reference: Reference) -> Akun:
    """A new role (and district, for a kabupaten account); its sessions end, so that no page
    open under the old role keeps acting as it."""
    kode = _district(peran, kode, reference)
    with db.connect(path) as con, db.transaction(con):
        changed = con.execute(
            "update akun set peran = ?, kode_kabupaten = ?, diubah_pada = ? where nama = ?",
            [peran, kode, now_iso(), nama],
        ).rowcount
        if not changed:
            raise UsageError("akun tidak ada", nama=nama)
        con.execute("delete from sesi where akun = ?", [nama])
    return Akun(nama, peran, kode)


def verify(path: Path, nama: str, sandi: str, *, hasher: PasswordHasher) -> Akun | None:
    """The account when the password is right, else None; as slow for an unknown name. A right
    password that fails today's policy marks the account `harus_ganti`: the portal then lets it
    do nothing but choose a new one (portal.guards)."""
    with db.connect(path) as con:
        row = con.execute(
            "select nama, peran, kode_kabupaten, sandi_hash, harus_ganti from akun"
            " where nama = ? and nonaktif = 0",
            [nama],
        ).fetchone()
    usable = row is not None and len(sandi) <= MAX_PASSWORD
    try:
        hasher.verify(row["sandi_hash"] if usable else dummy(hasher), sandi if usable else "")
    except (VerificationError, InvalidHashError):
        return None
    if not usable:
        return None
    if hasher.check_needs_rehash(row["sandi_hash"]):
        with db.connect(path) as con:
            con.execute("update akun set sandi_hash = ? where nama = ?", [hasher.hash(sandi), nama])
    must_change = bool(row["harus_ganti"]) or _weak(sandi, nama)
    if must_change and not row["harus_ganti"]:
        # a password set before today's policy: it still opens the account, once, to choose a new one
        with db.connect(path) as con:
            con.execute("update akun set harus_ganti = 1 where nama = ?", [nama])
    return Akun(row["nama"], row["peran"], row["kode_kabupaten"], must_change)


def _weak(sandi: str, nama: str) -> bool:
    try:
        check_password(sandi, nama)
    except UsageError:
        return True
    return False


def get(path: Path, nama: str) -> Akun | None:
    with db.connect(path) as con:
        row = con.execute("select nama, peran, kode_kabupaten from akun where nama = ?", [nama]).fetchone()
    return Akun(row["nama"], row["peran"], row["kode_kabupaten"]) if row else None
