"""`ektp akun ...`: the portal's accounts."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from contract.errors import UsageError
from ektp.app import (
    Landing,
    PortalDb,
    Provinsi,
    Warehouse,
    app,
    examples,
    settings_of,
)

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


def _password(from_stdin: bool, nama: str) -> str:
    """The new password of account `nama`: one line of standard input, or typed twice without
    echo; the policy (portal.accounts.check_password) is applied before it is asked again."""
    import getpass

    from portal import accounts

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UsageError("masukan standar bukan terminal: berikan sandi dengan --sandi-stdin")
    first = getpass.getpass("Sandi baru: ")
    accounts.check_password(first, nama)
    if getpass.getpass("Ulangi sandi: ") != first:
        raise UsageError("kedua sandi tidak sama")
    return first


def _portal_db(warehouse, provinsi, portal_db, landing=None, new: bool = False):
    """The settings and the portal database, brought up to date. Only `tambah` (`new`) makes the
    database: any other subcommand on a path where none is (a mistyped EKTP_PORTAL_DB, a warehouse
    folder other than the portal's) says so, instead of answering from an empty one made there."""
    from portal import db

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi, portal_db=portal_db)
    path = db.path_of(settings)
    if not new and not path.exists():
        raise UsageError(
            "basis data portal tidak ada; akun pertama dibuat dengan `ektp akun tambah`", portal_db=path
        )
    return settings, db.create(path)


@akun_app.command(
    "tambah",
    epilog=examples(
        "ektp akun tambah lombokbarat --peran kabupaten --kabupaten 5201",
        "ektp akun tambah dinas-provinsi --peran provinsi",
        "printf '%s\\n' \"$SANDI\" | ektp akun tambah admin --peran admin --sandi-stdin",
    ),
)
def akun_tambah(
    nama: Annotated[
        str, typer.Argument(metavar="NAMA", help="Nama akun: huruf kecil, angka, . _ -", show_default=False)
    ],
    peran: Annotated[
        str, typer.Option(metavar="PERAN", help="kabupaten, provinsi atau admin.", show_default=False)
    ],
    kabupaten: Annotated[
        str | None,
        typer.Option(metavar="KODE", help="Kode kabupaten akun kabupaten, mis. 5201.", show_default=False),
    ] = None,
    sandi_stdin: SandiStdin = False,
    surel: Annotated[
        str | None, typer.Option(metavar="ALAMAT", help="Alamat surel akun (pengingat, ringkasan).")
    ] = None,
    boleh_setujui: Annotated[
        bool, typer.Option("--boleh-setujui", help="Akun kabupaten kepala dinas: boleh menyetujui angka.")
    ] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Buat akun portal (sandi diketik tanpa gema, atau dari masukan standar)."""
    from contract import regions
    from pipeline import kontak
    from portal import accounts, adminlog

    settings, path = _portal_db(warehouse, provinsi, portal_db, landing, new=True)
    if boleh_setujui and peran != "kabupaten":
        raise UsageError("--boleh-setujui hanya untuk akun kabupaten (kepala dinas kabupaten/kota)")
    kontak.check_address(surel)  # before the account is made
    akun = accounts.add(
        path,
        nama,
        peran,
        kabupaten,
        _password(sandi_stdin, nama),
        regions.load(settings.provinsi),
        hasher=accounts.hasher(settings),
    )
    if surel is not None or boleh_setujui:
        kontak.set_contact(path, akun.nama, akun.peran, surel, boleh_setujui)
    keterangan = " ".join(x for x in (akun.peran, akun.kode_kabupaten, surel) if x)
    adminlog.add(path, _cli_admin(), "akun_dibuat", akun.nama, keterangan)
    wilayah = f" {akun.kode_kabupaten}" if akun.kode_kabupaten else ""
    print(f"Akun {akun.nama} ({akun.peran}{wilayah}) dibuat di {path}")
    return 0


@akun_app.command("hapus", epilog=examples("ektp akun hapus lombokbarat"))
def akun_hapus(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Hapus akun portal dan akhiri sesinya (catatan unggahannya tetap)."""
    from portal import accounts, adminlog

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    accounts.remove(path, nama)
    adminlog.add(path, _cli_admin(), "akun_dihapus", nama)
    print(f"Akun {nama} dihapus.")
    return 0


@akun_app.command(
    "sandi",
    epilog=examples("ektp akun sandi lombokbarat", "ektp akun sandi lombokbarat --sandi-stdin < sandi.txt"),
)
def akun_sandi(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    sandi_stdin: SandiStdin = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Ganti sandi akun portal; semua sesinya berakhir."""
    from portal import accounts, adminlog

    settings, path = _portal_db(warehouse, provinsi, portal_db, landing)
    accounts.set_password(path, nama, _password(sandi_stdin, nama), hasher=accounts.hasher(settings))
    adminlog.add(path, _cli_admin(), "sandi_diganti", nama)
    print(f"Sandi akun {nama} diganti.")
    return 0


def _cli_admin() -> str:
    """Who acted, for the admin log: the operating-system user at the server."""
    import getpass

    return f"cli:{getpass.getuser()}"


@akun_app.command(
    "token", epilog=examples("ektp akun token lombokbarat", "ektp akun token lombokbarat --cabut")
)
def akun_token(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun kabupaten.", show_default=False)],
    cabut: Annotated[bool, typer.Option("--cabut", help="Cabut token akun ini.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Buat token API kantor (dicetak sekali; token lama berhenti berlaku), atau cabut dengan --cabut."""
    from portal import adminlog, tokens

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    if cabut:
        had = tokens.revoke(path, nama)
        adminlog.add(path, _cli_admin(), "token_dicabut", nama)
        print(f"Token API akun {nama} dicabut." if had else f"Akun {nama} tidak punya token API.")
        return 0
    token = tokens.create(path, nama)
    adminlog.add(path, _cli_admin(), "token_dibuat", nama)
    print(token)
    print(f"Token API akun {nama}: simpan sekarang, token ini tidak ditampilkan lagi.", file=sys.stderr)
    return 0


@akun_app.command("reset", epilog=examples("ektp akun reset lombokbarat"))
def akun_reset(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Beri akun sandi sekali pakai (dicetak sekali; wajib diganti saat pertama masuk)."""
    from portal import accounts, adminlog

    settings, path = _portal_db(warehouse, provinsi, portal_db, landing)
    sandi = accounts.reset(path, nama, hasher=accounts.hasher(settings))
    adminlog.add(path, _cli_admin(), "sandi_direset", nama)
    print(sandi)
    print(f"Sandi sekali pakai akun {nama}: wajib diganti saat pertama masuk.", file=sys.stderr)
    return 0


@akun_app.command("buka", epilog=examples("ektp akun buka lombokbarat"))
def akun_buka(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Buka pembatasan masuk akun dari semua alamat."""
    from portal import adminlog, throttle

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    cleared = throttle.clear(path, nama)
    adminlog.add(path, _cli_admin(), "akun_dibuka", nama, f"{cleared} percobaan")
    print(f"Pembatasan masuk akun {nama} dibuka ({cleared} percobaan gagal dihapus).")
    return 0


@akun_app.command(
    "nonaktif", epilog=examples("ektp akun nonaktif lombokbarat", "ektp akun nonaktif lombokbarat --aktifkan")
)
def akun_nonaktif(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    aktifkan: Annotated[bool, typer.Option("--aktifkan", help="Aktifkan kembali akun ini.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Nonaktifkan akun (tidak dapat masuk, sesinya berakhir), atau aktifkan kembali dengan --aktifkan."""
    from portal import accounts, adminlog

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    accounts.set_active(path, nama, aktifkan)
    adminlog.add(path, _cli_admin(), "akun_diaktifkan" if aktifkan else "akun_dinonaktifkan", nama)
    print(f"Akun {nama} {'diaktifkan kembali' if aktifkan else 'dinonaktifkan'}.")
    return 0


@akun_app.command(
    "peran",
    epilog=examples(
        "ektp akun peran lombokbarat --peran kabupaten --kabupaten 5201",
        "ektp akun peran budi --peran provinsi",
    ),
)
def akun_peran(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    peran: Annotated[
        str, typer.Option(metavar="PERAN", help="kabupaten, provinsi atau admin.", show_default=False)
    ],
    kabupaten: Annotated[
        str | None,
        typer.Option(metavar="KODE", help="Kode kabupaten akun kabupaten, mis. 5201.", show_default=False),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Ubah peran (dan kabupaten) akun; sesinya berakhir."""
    from contract import regions
    from portal import accounts, adminlog

    settings, path = _portal_db(warehouse, provinsi, portal_db, landing)
    akun = accounts.set_role(path, nama, peran, kabupaten, regions.load(settings.provinsi))
    keterangan = " ".join(x for x in (akun.peran, akun.kode_kabupaten) if x)
    adminlog.add(path, _cli_admin(), "peran_diubah", nama, keterangan)
    print(f"Akun {nama} sekarang {keterangan}.")
    return 0


@akun_app.command(
    "surel",
    epilog=examples(
        "ektp akun surel lombokbarat dukcapil@lombokbaratkab.go.id", "ektp akun surel lombokbarat --hapus"
    ),
)
def akun_surel(
    nama: Annotated[str, typer.Argument(metavar="NAMA", help="Nama akun.", show_default=False)],
    alamat: Annotated[
        str | None, typer.Argument(metavar="ALAMAT", help="Alamat surel.", show_default=False)
    ] = None,
    hapus: Annotated[bool, typer.Option("--hapus", help="Hapus alamat surel akun.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Simpan alamat surel akun yang sudah ada (hak --boleh-setujui tetap), atau hapus dengan --hapus."""
    from pipeline import kontak
    from portal import accounts, adminlog

    if (alamat is None) == (not hapus):
        raise UsageError("berikan satu ALAMAT, atau --hapus")
    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    akun = accounts.get(path, nama)
    if akun is None:
        raise UsageError("akun tidak ada", nama=nama)
    kontak.set_contact(path, nama, akun.peran, alamat, kontak.may_sign_off(path, nama))
    adminlog.add(path, _cli_admin(), "surel_diubah", nama, alamat or "dihapus")
    print(f"Surel akun {nama}: {alamat or 'dihapus'}.")
    return 0


@akun_app.command("daftar", epilog=examples("ektp akun daftar"))
def akun_daftar(
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
    portal_db: PortalDb = None,
) -> int:
    """Daftar akun portal."""
    from contract import formats
    from portal import accounts

    _, path = _portal_db(warehouse, provinsi, portal_db, landing)
    rows = accounts.listing(path)
    print(f"{'nama':<24} {'peran':<10} {'kabupaten':<10} {'keadaan':<9} {'surel':<32} dibuat")
    for r in rows:
        keadaan = "nonaktif" if r["nonaktif"] else "aktif"
        print(
            f"{r['nama']:<24} {r['peran']:<10} {r['kode_kabupaten'] or '-':<10} {keadaan:<9}"
            f" {formats.visible(r['surel'] or '-'):<32} {formats.waktu_iso(r['dibuat_pada'])}"
        )
    print(f"{len(rows)} akun di {path}")
    return 0
