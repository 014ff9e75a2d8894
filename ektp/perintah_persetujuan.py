"""`ektp setujui`, `ektp kunci`, `ektp buka-kunci`, `ektp pengingat` (CONTRACT §3), registered on
the program when ektp/cli.py imports this module. The work is in pipeline/tindakan.py and
pipeline/pengingat.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from ektp.app import Landing, Provinsi, Warehouse, app, examples, named_codes, parse_date, settings_of


def _tanggal(flag: str, what: str) -> Any:
    return typer.Option(flag, parser=parse_date, metavar="YYYY-MM-DD", help=what, show_default=False)


SampaiSetujui = Annotated[date, _tanggal("--sampai", "Setujui angka sampai tanggal ini.")]
SampaiKunci = Annotated[date, _tanggal("--sampai", "Kunci angka sampai tanggal ini.")]
DariBuka = Annotated[date, _tanggal("--dari", "Buka kunci mulai tanggal ini.")]


Oleh = Annotated[
    str, typer.Option("--oleh", metavar="NAMA", help="Siapa yang bertindak.", show_default=False)
]


@app.command(
    epilog=examples("ektp setujui --kabupaten 5201 --sampai 2018-04-30 --oleh 'Kadis Dukcapil Lobar'")
)
def setujui(
    kabupaten: Annotated[str, typer.Option(metavar="KODE", help="Kode kabupaten/kota.", show_default=False)],
    sampai: SampaiSetujui,
    oleh: Oleh,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Kabupaten menyetujui angkanya sampai tanggal D (tidak mengubah angka)."""
    from pipeline import tindakan

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    print(tindakan.setujui(settings, kabupaten, sampai, oleh))
    return 0


@app.command(
    epilog=examples(
        "ektp kunci --sampai 2018-03-31 --oleh 'Kabid Dafduk'",
        "ektp kunci --sampai 2018-03-31 --kabupaten 5201,5203 --oleh 'Kabid Dafduk'",
    )
)
def kunci(
    sampai: SampaiKunci,
    oleh: Oleh,
    kabupaten: Annotated[
        str | None,
        typer.Option(
            metavar="KODE,...", help="Kode kabupaten/kota, berkoma (bawaan: semua).", show_default=False
        ),
    ] = None,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Provinsi mengunci angka kabupaten sampai tanggal D: berkas baru untuk tanggal itu ditolak."""
    from pipeline import tindakan

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    print(tindakan.kunci(settings, sampai, named_codes(kabupaten), oleh))
    return 0


@app.command(
    "buka-kunci",
    epilog=examples(
        "ektp buka-kunci --kabupaten 5203 --dari 2018-03-20 --alasan 'koreksi data ganda'"
        " --oleh 'Kabid Dafduk'"
    ),
)
def buka_kunci(
    kabupaten: Annotated[str, typer.Option(metavar="KODE", help="Kode kabupaten/kota.", show_default=False)],
    dari: DariBuka,
    alasan: Annotated[
        str, typer.Option(metavar="TEKS", help="Mengapa kunci dibuka (wajib).", show_default=False)
    ],
    oleh: Oleh,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Provinsi membuka lagi angka kabupaten mulai tanggal D (berkas yang menunggu diputuskan)."""
    from pipeline import tindakan

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    print(tindakan.buka_kunci(settings, kabupaten, dari, alasan, oleh))
    return 0


@app.command(epilog=examples("ektp pengingat", "ektp pengingat --date 2018-04-12 --ulang"))
def pengingat(
    tanggal: Annotated[
        date | None,
        typer.Option(
            "--date",
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="Tanggal laporan yang diingatkan (bawaan: hari ini, WITA).",
            show_default=False,
        ),
    ] = None,
    ulang: Annotated[bool, typer.Option("--ulang", help="Kirim lagi pengingat yang sudah terkirim.")] = False,
    landing: Landing = None,
    warehouse: Warehouse = None,
    provinsi: Provinsi = None,
) -> int:
    """Ingatkan kabupaten yang belum mengirim laporan semua kecamatannya (surel dan webhook)."""
    from flows import pengingat as reminders

    settings = settings_of(landing=landing, warehouse=warehouse, provinsi=provinsi)
    if tanggal is not None:  # no district is reminded of a day that has not come
        settings.not_after_today(tanggal, "--date")
    hasil = reminders.remind(settings, tanggal, ulang)
    print(hasil.ringkas())
    for r in hasil.dicoba:
        said = "terkirim" if r["berhasil"] else r["pesan"]
        print(f"  {r['kode_kabupaten']} {r['saluran']} {r['tujuan']}: {said}")
    for why, untold in (
        ("angka tanggal itu dikunci provinsi (berkas baru akan ditolak)", hasil.dikunci),
        (reminders.no_target(settings.resolved()), hasil.tanpa_tujuan),
    ):
        if untold:
            print(f"Tidak diingatkan, {why}:")
            for k in untold:
                print(
                    f"  {k.kode_kabupaten} {k.nama_kabupaten}: {len(k.kecamatan)} kecamatan belum dilaporkan"
                )
    return 0
