"""What each page shows, gathered from the portal database and the warehouse, and the rendering of
the Jinja2 templates (autoescaped: every name, cell and reason is text, never markup)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from contract import formats
from contract.dates import WITA
from contract.errors import PrefectServerError
from portal import auth, db, pages
from portal.state import Portal
from reports.receipts import STATUS_ID

TEMPLATES = Path(__file__).resolve().parent / "templates"
UPLOADS_SHOWN = 50
LOG_SHOWN = 100

CHECKED = {  # the check's verdict, as the office reads it
    "loaded": "LOLOS pemeriksaan: akan dimuat proses malam",
    "rejected": "DITOLAK: perbaiki temuan lalu kirim ulang",
    "ditolak_portal": "TIDAK DITERIMA portal",
    "gagal_periksa": "pemeriksaan gagal; berkas tetap diputuskan proses malam",
}
WAITING = "menunggu proses malam"


def jam(moment: datetime) -> str:
    """'14.05 WITA' (today) or '12 April 2018 14.05 WITA'."""
    local = moment.astimezone(WITA)
    if local.date() == datetime.now(WITA).date():
        return f"{local:%H.%M} WITA"
    return formats.waktu(moment)


def ukuran(n: int) -> str:
    """A size in bytes as an office reads it: '5 MB', '312 KB', '90 bita'."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{formats.desimal(value, 1).removesuffix(',0')} {unit}"
    return f"{n} bita"


def _waktu_iso(text: str | None) -> str:
    return formats.waktu(datetime.fromisoformat(text)) if text else formats.EMPTY


_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(
    angka=formats.angka,
    persen=formats.persen,
    tanggal=formats.tanggal,
    tanggal_pendek=formats.tanggal_pendek,
    hari_tanggal=formats.hari_tanggal,
    waktu=formats.waktu,
    waktu_iso=_waktu_iso,
    ukuran=ukuran,
)


def render(
    template: str, request: Request, session: auth.Session | None, status: int = 200, **context
) -> HTMLResponse:
    """The page, with the signed-in account (None on the login and error pages) and its CSRF token."""
    html = _env.get_template(template).render(
        akun=session.akun if session else None,
        csrf_sesi=session.csrf if session else None,
        path=request.url.path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


# --- a district --------------------------------------------------------------------------------


def _district_name(portal: Portal, kode: str) -> str:
    if kode not in portal.kabupaten:
        raise HTTPException(404, "Kabupaten/kota ini tidak ada dalam cakupan portal.")
    return portal.kabupaten[kode]


def district(portal: Portal, kode: str, tanggal: date) -> dict:
    """The district page: its kecamatan on `tanggal`, the files decided for that date, its uploads."""
    nama = _district_name(portal, kode)
    kecamatan = pages.kecamatan(portal.settings, kode, tanggal)
    return {
        "kode": kode,
        "nama": nama,
        "tanggal": tanggal,
        "kecamatan": kecamatan,
        "dilaporkan": sum(k["dilaporkan"] for k in kecamatan or []),
        "hilang": [k for k in kecamatan or [] if not k["dilaporkan"]],
        "berkas_tanggal": [_decision(d) for d in pages.decided(portal.settings, kode, tanggal=tanggal)],
        "unggahan": _with_nightly(
            portal, kode, _uploads(portal, "kode_kabupaten = ?", [kode], UPLOADS_SHOWN)
        ),
        "gudang_ada": kecamatan is not None,
    }


def _uploads(portal: Portal, where: str, params: list, limit: int) -> list[dict]:
    with db.connect(portal.db) as con:
        rows = con.execute(
            f"select * from unggahan where {where} order by id desc limit ?",  # where: our constants
            [*params, limit],
        ).fetchall()
    return [_upload_row(dict(r)) for r in rows]


def _upload_row(row: dict) -> dict:
    row["tanda_terima"] = json.loads(row["tanda_terima"]) if row["tanda_terima"] else None
    row["hasil_teks"] = CHECKED.get(row["hasil"], row["hasil"])
    return row


def _with_nightly(portal: Portal, kode: str, rows: list[dict]) -> list[dict]:
    """Each upload with its status from `unggahan` once a run decided it (`menunggu proses malam` until then)."""
    files = sorted({r["berkas"] for r in rows if r["berkas"]})
    decided = (
        {(d["file"], d["sha256"]): d for d in pages.decided(portal.settings, kode, files=files)}
        if files
        else {}
    )
    for r in rows:
        d = decided.get((r["berkas"], r["sha256"]))
        r["malam"] = _decision(d) if d else None
    return rows


def _decision(d: dict) -> dict:
    return {**d, "teks": STATUS_ID[d["status"]]}


def submission(portal: Portal, kode: str, kiriman: str) -> dict | None:
    """The receipts of one form submission."""
    nama = _district_name(portal, kode)
    rows = _uploads(portal, "kode_kabupaten = ? and kiriman = ?", [kode, kiriman], 1000)
    if not rows:
        return None
    return {
        "kode": kode,
        "nama": nama,
        "unggahan": _with_nightly(portal, kode, sorted(rows, key=lambda r: r["id"])),
    }


def upload_row(portal: Portal, kode: str, upload_id: int) -> dict | None:
    with db.connect(portal.db) as con:
        row = con.execute(
            "select * from unggahan where id = ? and kode_kabupaten = ?", [upload_id, kode]
        ).fetchone()
    return dict(row) if row else None


def upload(portal: Portal, kode: str, upload_id: int) -> dict | None:
    """One upload: the check's receipt, and the nightly's decision and findings once it ran."""
    nama = _district_name(portal, kode)
    row = upload_row(portal, kode, upload_id)
    if row is None:
        return None
    (u,) = _with_nightly(portal, kode, [_upload_row(row)])
    temuan_malam = pages.findings(portal.settings, kode, u["berkas"], u["sha256"]) if u["malam"] else []
    return {"kode": kode, "nama": nama, "u": u, "temuan_malam": temuan_malam}


# --- the province --------------------------------------------------------------------------------


def province(portal: Portal, until: date) -> dict:
    """The grid of districts × days ending on `until` (None before the first run)."""
    return {"kisi": pages.grid(portal.settings, until), "sampai": until, "keadaan": pages.STATES}


def start_nightly(api_url: str) -> dict:
    """Create a run of the `nightly/nightly` deployment now; the served runner picks it up."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    try:
        with temporary_settings(updates={PREFECT_API_URL: api_url}):
            run = run_deployment("nightly/nightly", timeout=0)
    except Exception as exc:  # the server or the deployment is not there: one line on the page
        raise PrefectServerError(
            "proses malam tidak dapat dimulai", url=api_url, reason=str(exc).splitlines()[0]
        ) from exc
    return {
        "id": str(run.id),
        "nama": run.name,
        "ui": f"{api_url.removesuffix('/api')}/runs/flow-run/{run.id}",
    }


def admin(portal: Portal) -> dict:
    """Every account and the latest uploads of every district."""
    from portal.accounts import listing

    return {"akun_daftar": listing(portal.db), "unggahan": _uploads(portal, "1 = 1", [], LOG_SHOWN)}
