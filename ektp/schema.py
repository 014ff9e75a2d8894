"""Names shared by every stage: canonical upload columns, their aliases, findings and rules."""

import polars as pl

COUNT_COLUMNS = (
    "wajib_ktp",
    "sudah_rekam",
    "belum_rekam",
    "rekam_hari_ini",
    "rekam_keliling",
    "sudah_cetak",
)
REQUIRED_COUNTS = ("wajib_ktp", "sudah_rekam")

# CONTRACT §1: canonical column -> accepted header spellings (after normalisation).
ALIASES: dict[str, tuple[str, ...]] = {
    "tanggal": ("tanggal", "tgl", "tanggal_laporan", "date"),
    "kode_kecamatan": ("kode_kecamatan", "kode_kec", "kode_wilayah", "kode"),
    "nama_kecamatan": ("nama_kecamatan", "kecamatan", "nama_kec"),
    "wajib_ktp": ("wajib_ktp", "jumlah_wajib_ktp", "wktp"),
    "sudah_rekam": ("sudah_rekam", "rekam", "jumlah_rekam", "perekaman"),
    "belum_rekam": ("belum_rekam", "belum"),
    "rekam_hari_ini": ("rekam_hari_ini", "rekam_harian"),
    "rekam_keliling": ("rekam_keliling", "keliling"),
    "sudah_cetak": ("sudah_cetak", "cetak"),
}

# CONTRACT §2: every finding's `aturan` and its level.
RULES: dict[str, str] = {
    "berkas_tidak_terbaca": "error",
    "kolom_hilang": "error",
    "kolom_ganda": "error",
    "tanggal_tidak_valid": "error",
    "kecamatan_tidak_dikenal": "error",
    "kecamatan_kabupaten_lain": "error",
    "kecamatan_ganda": "error",
    "angka_tidak_valid": "error",
    "rekam_melebihi_wajib": "error",
    "belum_rekam_tidak_sesuai": "error",
    "cetak_melebihi_rekam": "error",
    "keliling_melebihi_harian": "error",
    "jumlah_tidak_sesuai": "error",
    "kecamatan_tidak_lapor": "warning",
    "rekam_menurun": "warning",
    "rekam_harian_tidak_sesuai": "warning",
    "wajib_ktp_melonjak": "warning",
    "nama_tidak_sesuai": "warning",
}

# One row per finding inside one file; `file`/`kode_kabupaten` are added by the caller.
FINDING_SCHEMA = {
    "baris": pl.Int64,  # 1-based line of the file (sheet row for xlsx); null for file-level findings
    "kode_kecamatan": pl.String,  # 6-digit form when it could be read
    "kolom": pl.String,
    "nilai": pl.String,
    "aturan": pl.String,
    "tingkat": pl.String,
    "pesan": pl.String,  # short Indonesian sentence an operator can act on
}

# One row per kecamatan row of an upload, after parsing.
ROW_SCHEMA = {
    "baris": pl.Int64,
    "kode_kecamatan": pl.String,
    "nama_kecamatan": pl.String,
    **{c: pl.Int64 for c in COUNT_COLUMNS},
}


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)


def format_count(value: int | None) -> str:
    """12410 -> '12.410', the way an Indonesian operator writes it."""
    return "kosong" if value is None else f"{value:,}".replace(",", ".")
