"""Uploaded text shown to a person: every character that is invisible, passes for an ordinary space
or changes how the text reads is written as an escape, never raw (contract.formats.visible)."""

from __future__ import annotations

import sys
import unicodedata

import polars as pl
import pytest

from contract.formats import path_text, path_texts, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("12\xa0345", "12\\xa0345"),  # no-break space: read as `12 345` it hides why the count is refused
        ("12\u202f345", "12\\u202f345"),  # narrow no-break space, the French thousands separator
        ("12\u3000345", "12\\u3000345"),  # ideographic space
        ("5201\u200b01", "5201\\u200b01"),  # zero-width space
        ("Gerung\u200c\u200d\u2060", "Gerung\\u200c\\u200d\\u2060"),  # zero-width joiners, word joiner
        ("baris\u2028baru", "baris\\u2028baru"),  # line separator
        ("lunak\xadhubung", "lunak\\xadhubung"),  # soft hyphen
        ("tag\U000e0041", "tag\\U000e0041"),  # a tag character, beyond the BMP
    ],
)
def test_hidden_characters_are_written_as_escapes(raw, shown):
    assert visible(raw) == shown
    assert visible(shown) == shown  # idempotent: what it writes holds nothing hidden


def test_every_invisible_or_space_like_character_is_escaped():
    # whatever Python's Unicode tables hold: every control, every format character, every space
    # other than the ordinary one, the line and paragraph separators
    missed = [
        f"U+{cp:04X}"
        for cp in range(sys.maxunicode + 1)
        if (
            unicodedata.category(chr(cp)) in ("Cc", "Cf", "Zl", "Zp")
            or (unicodedata.category(chr(cp)) == "Zs" and cp != 0x20)
        )
        and visible(chr(cp)) == chr(cp)
    ]
    assert missed == []
    # and the identity on ordinary text
    text = "Lombok Barat, Kec. Gerung — 12.345 (é, ñ, 中文, 🙂) <b>&amp;"
    assert visible(text) == text


def test_a_cell_keeps_the_spaces_parsing_folds_and_nothing_else_hidden():
    # read from a file, a cell keeps tabs, line breaks and Unicode spaces (parsing strips or folds
    # them: `12.345\xa0` is a count, `12\xa0April\xa02018` a date), and loses every other hidden one
    assert visible("12\xa0April\t2018\n", whitespace=False) == "12\xa0April\t2018\n"
    assert visible("12\u200b345\ufeff\x1b", whitespace=False) == "12\\u200b345\\ufeff\\x1b"


def test_a_name_with_a_no_break_space_is_stored_escaped():
    assert path_text(b"5201/rekap\xc2\xa012 april.csv") == "5201/rekap\\xa012 april.csv"
    assert path_text(b"5201/rekap\xe9.csv") == "5201/rekap\\xe9.csv"


def test_a_column_of_names_is_written_as_path_text_writes_each():
    # the landing listing's form: all UTF-8 (one hidden character among them), then one name that
    # is not UTF-8, which makes the whole column decoded name by name
    utf8 = [b"5201/rekap 12 april.csv", "5201/zw\u200bsp.csv".encode(), b"5201/back\\slash.csv", b"a\nb"]
    for names in (utf8, [*utf8, b"5201/rekap\xe9.csv"]):
        got = path_texts(pl.Series(names, dtype=pl.Binary)).to_list()
        assert got == [path_text(n) for n in names]


def test_a_prefect_time_becomes_a_plain_wita_wall_clock_without_a_deprecation():
    # Prefect hands out its runs' times as Pendulum DateTimes, whose `replace` is deprecated.
    import datetime as dt
    import warnings

    from prefect.types._datetime import create_datetime_instance

    from contract.formats import waktu, waktu_wita

    at = create_datetime_instance(dt.datetime(2018, 4, 12, 18, 5, 7, 123456, tzinfo=dt.UTC))
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        local = waktu_wita(at)
        text = waktu(at)
    assert type(local) is dt.datetime and local == dt.datetime(2018, 4, 13, 2, 5, 7, 123456)
    assert text == "13 April 2018 02.05 WITA"
