"""The hostile corpus: files and landing trees a careless or hostile district could send, each
with the status and rules it must get, beside a set of good files whose figures it must not move.

`build(landing, good=True, hostile=True)` writes them; `CASES` says what each hostile entry is and
what it must become. Big files (the zip bomb, a 53 MB CSV) are written here, never committed.
"""

from __future__ import annotations

import io
import os
import socket
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from tests.uploads import HEADER, KOTA_BIMA, LOMBOK_UTARA, WITA, day_file, row

TODAY = date(2018, 4, 21)  # pinned (EKTP_TODAY)
D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)
GOOD_DAYS = (D1, D2, D3)
# Hostile files go to Lombok Barat (5201), which has no good file: nothing of it may load.
INBOX = "5201"
LOMBOK_BARAT = [
    "520101",
    "520102",
    "520103",
    "520107",
    "520108",
    "520109",
    "520112",
    "520113",
    "520114",
    "520115",
]
_MB = 1024 * 1024
PWNED = '<img src=x onerror="document.body.dataset.pwned=1"><script>document.title="PWNED"</script>'


@dataclass(frozen=True)
class Case:
    name: str  # what the entry is
    file: str  # unggahan.file: its path as stored, escaped
    status: str
    aturan: frozenset[str]
    make: Callable[[Path], None]  # writes the entry into a landing folder


def _when(day: date, minutes: int = 0) -> float:
    return datetime.combine(day + timedelta(days=1), time(9), WITA).timestamp() + 60 * minutes


def _put(landing: Path, rel: str | bytes, data: bytes, day: date = D2, minutes: int = 0) -> Path:
    path = Path(os.fsdecode(os.path.join(os.fsencode(landing), os.fsencode(rel))))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (_when(day, minutes), _when(day, minutes)))
    return path


def _csv(lines: list[str], header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def _report(day: date, cells: dict[str, str] | None = None) -> bytes:
    """A Lombok Barat report of `day`; `cells` overrides cells of its first row by column name."""
    rows = []
    for i, kode in enumerate(LOMBOK_BARAT):
        values = {
            "tanggal": day.isoformat(),
            "kode_kecamatan": kode,
            "nama_kecamatan": "",
            "wajib_ktp": str(9_000 + i),
            "sudah_rekam": str(8_000 + i),
            "belum_rekam": "1000",
            "sudah_cetak": str(7_000 + i),
        }
        if i == 0 and cells:
            values |= cells
        rows.append(",".join(_quoted(v) for v in values.values()))
    return _csv(rows)


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n\r') else cell


def _xlsx(sheets: list[tuple[str, list[list], bool]]) -> bytes:
    """An XLSX of (name, rows, hidden) sheets written by openpyxl (formulas keep no cached value)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows, hidden in sheets:
        sheet = book.create_sheet(name)
        for r in rows:
            sheet.append(r)
        if hidden:
            sheet.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _header_row() -> list[str]:
    return HEADER.split(",")


def _xlsx_rows(day: date, first: dict[int, object] | None = None) -> list[list]:
    rows = [_header_row()]
    for i, kode in enumerate(LOMBOK_BARAT):
        rows.append([day.isoformat(), kode, None, 9_000 + i, 8_000 + i, 1_000, 7_000 + i])
    for col, value in (first or {}).items():
        rows[1][col] = value
    return rows


def _zip_bomb(landing: Path, rel: str, rows: int = 2_000_000) -> None:
    """A small XLSX whose one sheet unpacks to `rows` rows (~80 MB): written part by part."""
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = _xlsx([("Rekap", [["x"]], False)])
    with (
        zipfile.ZipFile(io.BytesIO(parts)) as template,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in template.infolist():
            if info.filename.startswith("xl/worksheets/sheet"):
                with bomb.open(info.filename, "w") as sheet:
                    sheet.write(
                        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    )
                    for start in range(0, rows, 10_000):
                        sheet.write(
                            b"".join(
                                b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                                for i in range(start + 1, start + 10_001)
                            )
                        )
                    sheet.write(b"</sheetData></worksheet>")
            else:
                bomb.writestr(info, template.read(info.filename))
    os.utime(path, (_when(D2), _when(D2)))


def report_workbook(day: date = D2) -> bytes:
    """A valid Lombok Barat report written by xlsxwriter, whose text cells live in
    xl/sharedStrings.xml, as Excel writes them (openpyxl writes no shared strings)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Rekap")
    for r, values in enumerate(_xlsx_rows(day)):
        sheet.write_row(r, 0, values)
    book.close()
    return out.getvalue()


# What a part is padded with: more strings for the shared strings, a comment in any other XML
# part, zeros in a part the workbook did not have.
_PADDING = {"xl/sharedStrings.xml": b"<si><t>" + b"A" * 1000 + b"</t></si>"}
_COMMENT = b"<!--" + b"A" * 1000 + b"-->"


def swollen(book: bytes, parts: dict[str, int], declared: dict[str, int] | None = None) -> bytes:
    """`book` with each of `parts` padded to unpack to at least that many bytes (a new part when the
    book has none of that name), streamed a 1 MB block at a time: a 1 GB part never exists whole.
    `declared` patches the size the zip directory states for a part: a directory that lies."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z,
    ):
        names = source.namelist()
        for name in names + [p for p in parts if p not in names]:
            original = source.read(name) if name in names else b""
            if name not in parts:
                z.writestr(name, original)
                continue
            unit = _PADDING.get(name, _COMMENT) if original else b"\0" * 1000
            block = unit * ((1 << 20) // len(unit))
            at = original.rindex(b"</") if original else 0  # before the closing tag of the root
            with z.open(name, "w") as part:
                part.write(original[:at])
                for _ in range(parts[name] // len(block) + 1):
                    part.write(block)
                part.write(original[at:])
    data = out.getvalue()
    for name, size in (declared or {}).items():
        data = _declare(data, name, size)
    return data


def _declare(data: bytes, name: str, size: int) -> bytes:
    """The zip with the unpacked size of `name` stated as `size`, in its local header and in the
    central directory (the CRC and the stream stay those of the real part)."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info, at = archive.getinfo(name), archive.start_dir
    struct.pack_into("<I", patched, info.header_offset + 22, size)
    while patched[at : at + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", patched, at + 28)
        if bytes(patched[at + 46 : at + 46 + name_length]) == name.encode():
            struct.pack_into("<I", patched, at + 24, size)
        at += 46 + name_length + extra_length + comment_length
    return bytes(patched)


def crowded(book: bytes, parts: int) -> bytes:
    """`book` with `parts` more empty members: a zip directory of megabytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for info in source.infolist():
            z.writestr(info, source.read(info))
        for i in range(parts):
            z.writestr(f"customXml/item{i}.xml", b"")
    return out.getvalue()


def _big_csv(landing: Path, rel: str, lines: int) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"2018-04-02,520101,Gunungsari,{9000 + i % 7},{8000 + i % 5},,\n" for i in range(1000))
    with open(path, "w") as out:
        out.write(HEADER + "\n")
        for _ in range((lines - 1) // 1000):
            out.write(body)
        out.write(body[: body.index("\n", 0) + 1] * ((lines - 1) % 1000))
    os.utime(path, (_when(D2), _when(D2)))


def _xml_bomb() -> bytes:
    """An XLSX whose sheet XML declares nested entities (billion laughs)."""
    parts = _xlsx([("Rekap", [["x"]], False)])
    # Entity i is ten copies of entity i - 1; the first is the word itself.
    bodies = ["lol"] + [f"&l{i - 1};" * 10 for i in range(1, 10)]
    laughs = "".join(f'<!ENTITY l{i} "{body}">' for i, body in enumerate(bodies))
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE w [{laughs}]><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c>'
        f"</row></sheetData></worksheet>"
    ).encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(parts)) as template,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for info in template.infolist():
            bomb.writestr(
                info,
                sheet if info.filename.startswith("xl/worksheets/sheet") else template.read(info.filename),
            )
    return out.getvalue()


def _sparse() -> bytes:
    """Two cells, A1 and XFD100000: a table reader would allocate 1.6 billion cells."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"] = "tanggal"
    sheet["XFD100000"] = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fifo(landing: Path, rel: str) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _unix_socket(landing: Path, rel: str) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(path.parent)  # a socket's path is limited to 108 bytes: bind it relative
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(path.name)
    finally:
        os.chdir(here)


def _symlink(landing: Path, rel: str, target: str) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, path)


def _good_copy(landing: Path, rel: str | bytes) -> None:
    """A byte-identical copy of a good file under a hostile name, uploaded later: a duplicate."""
    good = day_file(landing, "5272", KOTA_BIMA, D2, base=5_000, step=10, name="lap_2018-04-02.csv")
    _put(landing, rel, good.read_bytes(), D2, minutes=30)


def _r(*aturan: str) -> frozenset[str]:
    return frozenset(aturan)


A = INBOX
CASES = [
    Case(
        "hitungan raksasa (INT64 meluap di mart)",
        f"{A}/raksasa_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing,
            f"{A}/raksasa_2018-04-02.csv",
            _report(D2, {"wajib_ktp": "100000000000000000", "sudah_rekam": "100000000000000000"}),
        ),
    ),
    Case(
        "hitungan di atas 10 juta",
        f"{A}/sepuluh_juta_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing, f"{A}/sepuluh_juta_2018-04-02.csv", _report(D2, {"wajib_ktp": "10.000.001"})
        ),
    ),
    Case(
        "NIK tertempel di kolom angka",
        f"{A}/nik_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing, f"{A}/nik_2018-04-02.csv", _report(D2, {"sudah_rekam": "5201012345670001"})
        ),
    ),
    Case(
        "nama berkas Windows-1252 (\\xe9), salinan berkas baik",
        "5272/lap_2018-04-02_revisi_\\xe9.csv",
        "duplicate",
        _r(),
        lambda landing: _good_copy(landing, b"5272/lap_2018-04-02_revisi_\xe9.csv"),
    ),
    Case(
        "baris baru dan ESC di nama berkas",
        f"{A}/a\\nb\\x1b[2J_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(landing, f"{A}/a\nb\x1b[2J_2018-04-02.csv", _report(D2, {"wajib_ktp": "x"})),
    ),
    Case(
        "urutan ESC di nama folder",
        "\\x1b[31m5201/rekap_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, "\x1b[31m5201/rekap_2018-04-02.csv", _report(D2)),
    ),
    Case(
        "nama folder bukan UTF-8",
        "52\\xe901/rekap_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, b"52\xe901/rekap_2018-04-02.csv", _report(D2)),
    ),
    Case(
        "XSS di nama kecamatan, dan angka salah",
        f"{A}/xss_nama_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid", "nama_tidak_sesuai"),
        lambda landing: _put(
            landing,
            f"{A}/xss_nama_2018-04-02.csv",
            _report(D2, {"nama_kecamatan": PWNED, "sudah_cetak": "-1"}),
        ),
    ),
    Case(
        "XSS di kode kecamatan",
        f"{A}/xss_kode_2018-04-02.csv",
        "rejected",
        _r("kecamatan_tidak_dikenal", "kecamatan_tidak_lapor"),
        lambda landing: _put(landing, f"{A}/xss_kode_2018-04-02.csv", _report(D2, {"kode_kecamatan": PWNED})),
    ),
    Case(
        "XSS di nama berkas",
        f"{A}/<img src=x onerror=alert(1)>_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing, f"{A}/<img src=x onerror=alert(1)>_2018-04-02.csv", _report(D2, {"wajib_ktp": "y"})
        ),
    ),
    Case(
        "nama berkas seperti rumus Excel",
        f"{A}/=1+2_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(landing, f"{A}/=1+2_2018-04-02.csv", _report(D2, {"sudah_rekam": "=1+2"})),
    ),
    Case(
        "bidi override di nama kecamatan",
        f"{A}/bidi_2018-04-02.csv",
        "rejected",
        _r("nama_tidak_sesuai", "angka_tidak_valid"),
        lambda landing: _put(
            landing,
            f"{A}/bidi_2018-04-02.csv",
            _report(D2, {"nama_kecamatan": "Gerung\u202egnuruG", "wajib_ktp": "-"}),
        ),
    ),
    Case(
        "ESC di sel angka",
        f"{A}/esc_angka_2018-04-02.csv",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing, f"{A}/esc_angka_2018-04-02.csv", _report(D2, {"wajib_ktp": "12\x1b[2J"})
        ),
    ),
    Case(
        "bom zip XLSX (2 juta baris)",
        f"{A}/bom_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _zip_bomb(landing, f"{A}/bom_2018-04-02.xlsx"),
    ),
    Case(
        "CSV 1 juta baris (53 MB)",
        f"{A}/sejuta_2018-04-02.csv",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _big_csv(landing, f"{A}/sejuta_2018-04-02.csv", 1_000_000),
    ),
    Case(
        "CSV 100.001 baris (di bawah 20 MB)",
        f"{A}/seratus_ribu_2018-04-02.csv",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _big_csv(landing, f"{A}/seratus_ribu_2018-04-02.csv", 100_001),
    ),
    Case(
        "XLSX jarang: A1 dan XFD100000",
        f"{A}/jarang_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _put(landing, f"{A}/jarang_2018-04-02.xlsx", _sparse()),
    ),
    Case(
        "bom bagian XLSX: teks bersama 200 MB",
        f"{A}/teks_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _put(
            landing,
            f"{A}/teks_2018-04-02.xlsx",
            swollen(report_workbook(), {"xl/sharedStrings.xml": 200 * _MB}),
        ),
    ),
    Case(
        "bom bagian XLSX: gaya 60 MB",
        f"{A}/gaya_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _put(
            landing, f"{A}/gaya_2018-04-02.xlsx", swollen(report_workbook(), {"xl/styles.xml": 60 * _MB})
        ),
    ),
    Case(
        "bom bagian XLSX: tiga bagian 40 MB, bersama 120 MB",
        f"{A}/tiga_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _put(
            landing,
            f"{A}/tiga_2018-04-02.xlsx",
            swollen(report_workbook(), {f"xl/media/isi{i}.bin": 40 * _MB for i in range(3)}),
        ),
    ),
    Case(
        "bom bagian XLSX: daftar isi menyebut 1.000 byte untuk 60 MB",
        f"{A}/bohong_2018-04-02.xlsx",
        "rejected",
        _r("berkas_terlalu_besar"),
        lambda landing: _put(
            landing,
            f"{A}/bohong_2018-04-02.xlsx",
            swollen(
                report_workbook(),
                {"xl/sharedStrings.xml": 60 * _MB},
                declared={"xl/sharedStrings.xml": 1_000},
            ),
        ),
    ),
    Case(
        "bom entitas XML (billion laughs)",
        f"{A}/tawa_2018-04-02.xlsx",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, f"{A}/tawa_2018-04-02.xlsx", _xml_bomb()),
    ),
    Case(
        "FIFO di folder kabupaten",
        f"{A}/pipa_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _fifo(landing, f"{A}/pipa_2018-04-02.csv"),
    ),
    Case(
        "soket di folder kabupaten",
        f"{A}/soket_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _unix_socket(landing, f"{A}/soket_2018-04-02.csv"),
    ),
    Case(
        "FIFO langsung di folder landing",
        "pipa_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _fifo(landing, "pipa_2018-04-02.csv"),
    ),
    Case(
        "tautan ke /etc/passwd",
        f"{A}/passwd_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _symlink(landing, f"{A}/passwd_2018-04-02.csv", "/etc/passwd"),
    ),
    Case(
        "tautan yang menunjuk dirinya",
        f"{A}/putar_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _symlink(landing, f"{A}/putar_2018-04-02.csv", "putar_2018-04-02.csv"),
    ),
    Case(
        "tautan folder ke /",
        f"{A}/akar",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _symlink(landing, f"{A}/akar", "/"),
    ),
    Case(
        "lembar pertama tersembunyi berisi laporan sah",
        f"{A}/tersembunyi_2018-04-02.xlsx",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(
            landing,
            f"{A}/tersembunyi_2018-04-02.xlsx",
            _xlsx([("lama", _xlsx_rows(D2), True), ("Rekap", [["catatan saja"]], False)]),
        ),
    ),
    Case(
        "sel galat Excel (#DIV/0!)",
        f"{A}/galat_2018-04-02.xlsx",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(landing, f"{A}/galat_2018-04-02.xlsx", _error_cell()),
    ),
    Case(
        "rumus tanpa nilai tersimpan",
        f"{A}/rumus_2018-04-02.xlsx",
        "rejected",
        _r("angka_tidak_valid"),
        lambda landing: _put(
            landing,
            f"{A}/rumus_2018-04-02.xlsx",
            _xlsx([("Rekap", _xlsx_rows(D2, {4: "=SUM(D2:D3)"}), False)]),
        ),
    ),
    Case(
        "zip rusak bernama .xlsx",
        f"{A}/rusak_2018-04-02.xlsx",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, f"{A}/rusak_2018-04-02.xlsx", b"PK\x03\x04" + os.urandom(2000)),
    ),
    Case(
        "PDF bernama .xlsx",
        f"{A}/surat_2018-04-02.xlsx",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(
            landing, f"{A}/surat_2018-04-02.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"
        ),
    ),
    Case(
        "CSV UTF-16",
        f"{A}/utf16_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, f"{A}/utf16_2018-04-02.csv", _report(D2).decode().encode("utf-16")),
    ),
    Case(
        "data biner bernama .csv",
        f"{A}/biner_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, f"{A}/biner_2018-04-02.csv", bytes(range(256)) * 20),
    ),
    Case(
        "berkas 0 byte",
        f"{A}/kosong_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, f"{A}/kosong_2018-04-02.csv", b""),
    ),
    Case(
        "300 kolom",
        f"{A}/lebar_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(
            landing, f"{A}/lebar_2018-04-02.csv", _report(D2).replace(b"\n", b"," * 300 + b"x\n", 1)
        ),
    ),
    Case(
        "satu sel 1 MB",
        f"{A}/sel_panjang_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(
            landing, f"{A}/sel_panjang_2018-04-02.csv", _report(D2, {"nama_kecamatan": "A" * 1_000_000})
        ),
    ),
    Case(
        "99.999 baris kecamatan yang sama",
        f"{A}/ganda_2018-04-02.csv",
        "rejected",
        _r("kecamatan_ganda", "kecamatan_tidak_lapor"),
        lambda landing: _put(
            landing, f"{A}/ganda_2018-04-02.csv", _csv([row(D2, "520101", 9_000, 8_000)] * 99_998)
        ),
    ),
    Case(
        "waktu ubah tahun 2100 dan tanggal setelah hari ini",
        f"{A}/masa_depan_2018-05-02.csv",
        "rejected",
        _r("tanggal_tidak_valid"),
        lambda landing: _future(landing, f"{A}/masa_depan_2018-05-02.csv"),
    ),
    Case(
        "tanggal sebelum 2011",
        f"{A}/lama_2010-04-02.csv",
        "rejected",
        _r("tanggal_tidak_valid"),
        lambda landing: _put(landing, f"{A}/lama_2010-04-02.csv", _report(date(2010, 4, 2))),
    ),
    Case(
        "berkas langsung di folder landing",
        "rekap_2018-04-02.csv",
        "rejected",
        _r("berkas_tidak_terbaca"),
        lambda landing: _put(landing, "rekap_2018-04-02.csv", _report(D2)),
    ),
]


def _error_cell() -> bytes:
    """A report whose first wajib_ktp is an Excel error cell with its cached `#DIV/0!`."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("Rekap")
    for r, values in enumerate(_xlsx_rows(D2)):
        sheet.write_row(r, 0, values)
    sheet.write_formula(1, 3, "=1/0", None, "#DIV/0!")
    book.close()
    return out.getvalue()


def _future(landing: Path, rel: str) -> None:
    path = _put(landing, rel, _report(date(2018, 5, 2)))
    stamp = datetime(2100, 1, 1).timestamp()
    os.utime(path, (stamp, stamp))


def good(landing: Path) -> list[str]:
    """Two districts reporting every day: the files every run must load."""
    files = []
    for d in GOOD_DAYS:
        files.append(day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10))
        files.append(day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20))
    return sorted(p.relative_to(landing).as_posix() for p in files)


def build(landing: Path, hostile: bool = True) -> list[str]:
    """The good files, and the hostile entries unless `hostile` is False; returns the good ones."""
    landing.mkdir(parents=True, exist_ok=True)
    files = good(landing)
    if hostile:
        for case in CASES:
            case.make(landing)
    return files
