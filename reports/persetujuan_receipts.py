"""A district whose sign-off a run withdrew is told in that run's receipt (CONTRACT §3 `setujui`):
its figures changed after it signed them off, so it signs off again once they are right."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from contract.formats import tanggal
from reports import receipts
from reports.receipts import Document
from warehouse.persetujuan import Ditarik


def sentence(d: Ditarik) -> str:
    files = ", ".join(d.files) if d.files else "(tidak ada berkas yang dimuat)"
    return (
        f"Persetujuan angka kabupaten/kota {d.kode_kabupaten} mulai {tanggal(d.dari)} ditarik: angkanya "
        f"berubah oleh berkas {files}. Periksa angka itu, lalu setujui lagi (ektp setujui)."
    )


def told(documents: list[Document], withdrawn: Sequence[Ditarik]) -> list[Document]:
    """The documents, each district's with its withdrawn sign-off: a paragraph opening the letter
    and `persetujuan_ditarik` in the JSON."""
    by_district = {d.kode_kabupaten: d for d in withdrawn}
    out = []
    for doc in documents:
        d = by_district.get(doc.kode_kabupaten)
        if d is None:
            out.append(doc)
            continue
        ditarik = {"dari": d.dari.isoformat(), "berkas": list(d.files), "pesan": sentence(d)}
        out.append(
            replace(
                doc,
                json=receipts.with_key(doc.json, "persetujuan_ditarik", ditarik),
                letter=sentence(d) + "\n\n" + doc.letter,
            )
        )
    return out
