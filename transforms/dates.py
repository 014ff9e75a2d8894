"""The report date of an upload: dates in cells, in title lines and in the file name, read and
reconciled into one date per file with its findings (tanggal_tidak_valid)."""

from __future__ import annotations

import functools
import re
from datetime import date

import polars as pl

from contract import rules
from contract.dates import BULAN, EARLIEST_DATE, MONTHS
from contract.formats import tanggal as tanggal_id
from landing.records import Records

# Dates inside free text (title lines, file names). The year is limited to 19xx/20xx so that
# a kabupaten code such as `5203-12-04` in a name is not read as the year 5203.
_YEAR = r"(?:19|20)[0-9]{2}"
_TEXT_ISO = re.compile(rf"(?<![0-9])({_YEAR})-([0-9]{{1,2}})-([0-9]{{1,2}})(?![0-9])")
_TEXT_DMY = re.compile(rf"(?<![0-9])([0-9]{{1,2}})[/-]([0-9]{{1,2}})[/-]({_YEAR})(?![0-9])")
_TEXT_NAMED = re.compile(rf"(?<![0-9])([0-9]{{1,2}})[\s-]+([A-Za-z]+)\.?[\s-]+({_YEAR})(?![0-9])")
_NAME_ISO = re.compile(rf"(?<![0-9])({_YEAR})-([0-9]{{2}})-([0-9]{{2}})(?![0-9])")
_NAME_COMPACT = re.compile(rf"(?<![0-9])({_YEAR})([0-9]{{2}})([0-9]{{2}})(?![0-9])")
_NAME_DMY = re.compile(rf"(?<![0-9])([0-9]{{2}})-([0-9]{{2}})-({_YEAR})(?![0-9])")
# Dates in cells (whole cell, after stripping); day first.
_CELL_ISO = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"
_CELL_DMY = r"^([0-9]{1,2})[/-]([0-9]{1,2})[/-]([0-9]{4})$"
_CELL_NAMED = r"^([0-9]{1,2})[\s-]+([A-Za-z]+)\.?[\s-]+([0-9]{4})$"
_CELL_SHORT_YEAR = r"^[0-9]{1,2}[/-][0-9]{1,2}[/-][0-9]{2}$"
# What Excel keeps for a date (days since 1900: 40544 is 1 January 2011), shown as a number when
# the cell lost its date format.
_CELL_SERIAL = r"^[1-9][0-9]{4}([.,][0-9]+)?$"


def written(day: pl.Expr) -> pl.Expr:
    """A date column as messages write dates (contract.formats.tanggal): `12 April 2018`."""
    month = day.dt.month().replace_strict(list(range(1, 13)), list(BULAN), return_dtype=pl.String)
    return pl.format("{} {} {}", day.dt.day(), month, day.dt.year())


def parse_date(cell: pl.Expr) -> pl.Expr:
    """One date (or null) per cell: `2018-04-12`, `12/04/2018`, `12-04-2018`, `12 April 2018`."""
    text = cell.str.strip_chars()
    iso = text.str.extract_groups(_CELL_ISO)
    dmy = text.str.extract_groups(_CELL_DMY)
    named = text.str.extract_groups(_CELL_NAMED)
    month_name = named.struct.field("2").str.to_lowercase()
    months = {name: str(number) for name, number in MONTHS.items()}
    named_month = month_name.replace_strict(months, default=None, return_dtype=pl.String)
    year = pl.coalesce(iso.struct.field("1"), dmy.struct.field("3"), named.struct.field("3"))
    month = pl.coalesce(iso.struct.field("2"), dmy.struct.field("2"), named_month)
    day = pl.coalesce(iso.struct.field("3"), dmy.struct.field("1"), named.struct.field("1"))
    iso_text = pl.format("{}-{}-{}", year, month.str.zfill(2), day.str.zfill(2))
    return iso_text.str.to_date("%Y-%m-%d", strict=False)


def unreadable_message(cell: pl.Expr, **fields: pl.Expr) -> pl.Expr:
    """The finding's sentence for a date cell that `parse_date` could not read (`fields`: the
    message's `where` and `nilai`), saying why: written in a known form but not on the calendar
    (31/04/2018), a year of two digits (12/04/18), Excel's number for a date (43221), or else
    unreadable."""
    text = cell.str.strip_chars()
    named = text.str.extract_groups(_CELL_NAMED)
    known_month = named.struct.field("2").str.to_lowercase().is_in(list(MONTHS))
    in_form = text.str.contains(_CELL_ISO) | text.str.contains(_CELL_DMY) | known_month.fill_null(False)

    def said(case: str) -> pl.Expr:
        return rules.message_expr("tanggal_tidak_valid", case, **fields)

    return (
        pl.when(in_form)
        .then(said("sel_kalender"))
        .when(text.str.contains(_CELL_SHORT_YEAR))
        .then(said("sel_tahun_pendek"))
        .when(text.str.contains(_CELL_SERIAL))
        .then(said("sel_angka"))
        .otherwise(said("sel"))
    )


def dates_in_text(text: str) -> list[date]:
    """One date per date written in a piece of free text (a title line), in order."""
    found: list[tuple[int, date]] = []
    for pattern, order in ((_TEXT_ISO, "ymd"), (_TEXT_DMY, "dmy"), (_TEXT_NAMED, "dMy")):
        found += _matches(pattern, order, text)
    return [d for _, d in sorted(found, key=lambda pair: pair[0])]


def dates_in_file_name(file_name: str) -> list[date]:
    """One date per date written in the file name: `2018-04-12`, `20180412`, `12-04-2018`."""
    return list(_dates_in_base(file_name.replace("\\", "/").rsplit("/", 1)[-1]))


@functools.lru_cache(maxsize=4096)  # every district's file of a day is often named alike
def _dates_in_base(base: str) -> tuple[date, ...]:
    found: list[tuple[int, date]] = []
    for pattern, order in ((_NAME_ISO, "ymd"), (_NAME_COMPACT, "ymd"), (_NAME_DMY, "dmy")):
        found += _matches(pattern, order, base)
    return tuple(d for _, d in sorted(found, key=lambda pair: pair[0]))


def dates_in_titles(titles: Records) -> list[date]:
    """One date per date written in the title lines above the header, in order."""
    dates: list[date] = []
    for _, row in titles:
        dates += dates_in_text(" ".join(cell for cell in row if cell))
    return dates


def resolve_date(
    cell: date | None,
    title: date | None,
    name: date | None,
    today: date,
    already_reported: bool,
) -> tuple[date | None, list[dict]]:
    """One report date per upload (cell, else title, else file name) and its date findings."""
    named_sources = (("isi berkas", cell), ("baris judul", title), ("nama berkas", name))
    sources = [(where, d) for where, d in named_sources if d]
    if not sources:
        if already_reported:  # unreadable or conflicting dates were already named
            return None, []
        pesan = rules.message("tanggal_tidak_valid", "tidak_ada")
        return None, [rules.finding("tanggal_tidak_valid", pesan, kolom="tanggal")]
    (first_where, tanggal), findings = sources[0], []
    for where, other in sources[1:]:
        if other != tanggal:
            pesan = rules.message(
                "tanggal_tidak_valid",
                "sumber_berbeda",
                tanggal=tanggal_id(tanggal),
                sumber=first_where,
                sumber_lain=where,
                tanggal_lain=tanggal_id(other),
            )
            findings.append(date_finding(pesan, other))
    if tanggal < EARLIEST_DATE:
        pesan = rules.message(
            "tanggal_tidak_valid",
            "sebelum_program",
            tanggal=tanggal_id(tanggal),
            awal=tanggal_id(EARLIEST_DATE),
        )
        findings.append(date_finding(pesan, tanggal))
    if tanggal > today:
        pesan = rules.message(
            "tanggal_tidak_valid", "setelah_hari_ini", tanggal=tanggal_id(tanggal), hari_ini=tanggal_id(today)
        )
        findings.append(date_finding(pesan, tanggal))
    return tanggal, findings


def single_date(dates: list[date], where: str, findings: list[dict]) -> date | None:
    """One date (or None) per source; several different dates in one source are a finding."""
    distinct = sorted(set(dates))
    if len(distinct) > 1:
        listed = ", ".join(d.isoformat() for d in distinct)
        pesan = rules.message(
            "tanggal_tidak_valid", "beberapa", sumber=where, daftar=", ".join(map(tanggal_id, distinct))
        )
        findings.append(date_finding(pesan, listed))
        return None
    return distinct[0] if distinct else None


def _matches(pattern: re.Pattern[str], order: str, text: str) -> list[tuple[int, date]]:
    """One (position, date) per valid calendar date the pattern finds in the text."""
    found = []
    for match in pattern.finditer(text):
        parts = dict(zip(order, match.groups(), strict=False))
        month = MONTHS.get(parts["M"].lower(), 0) if "M" in parts else int(parts["m"])
        try:
            found.append((match.start(), date(int(parts["y"]), month, int(parts["d"]))))
        except ValueError:  # not a calendar date (or not a month name): not a date at all
            continue
    return found


def date_finding(pesan: str, value: object) -> dict:
    """One file-level tanggal_tidak_valid finding."""
    nilai = value.isoformat() if isinstance(value, date) else str(value)
    return rules.finding("tanggal_tidak_valid", pesan, kolom="tanggal", nilai=nilai)
