"""The API's OpenAPI 3.1 description, written by hand (three routes do not need a generator);
served at /api/v1/openapi.json and checked against the routes by tests/portal/test_api.py."""

from __future__ import annotations

_FINDING = {
    "type": "object",
    "properties": {
        "baris": {"type": ["integer", "null"], "description": "baris di berkas, seperti di Excel (mulai 1)"},
        "kode_kecamatan": {"type": ["string", "null"]},
        "kolom": {"type": ["string", "null"]},
        "nilai": {"type": ["string", "null"]},
        "aturan": {"type": "string", "description": "nama aturan (CONTRACT §2), mis. rekam_melebihi_wajib"},
        "tingkat": {"type": "string", "enum": ["error", "warning"]},
        "pesan": {"type": "string"},
    },
}
_RECEIPT = {
    "type": "object",
    "required": ["id", "hasil", "status", "temuan", "kesalahan", "peringatan"],
    "properties": {
        "id": {"type": "integer", "description": "nomor unggahan; GET /api/v1/kiriman/{id}"},
        "kiriman": {"type": "string"},
        "nama_asli": {"type": "string"},
        "berkas": {
            "type": ["string", "null"],
            "description": "tempatnya di folder landing; null bila tidak disimpan",
        },
        "hasil": {
            "type": "string",
            "enum": [
                "loaded",
                "rejected",
                "ditolak_portal",
                "gagal_periksa",
                "menunggu_konfirmasi",
                "sama_persis",
            ],
        },
        "status": {"type": "string", "description": "status pemeriksaan: loaded (akan dimuat) atau rejected"},
        "keterangan": {"type": "string"},
        "tanggal": {"type": ["string", "null"], "format": "date"},
        "baris_kecamatan": {"type": ["integer", "null"]},
        "kesalahan": {"type": "integer"},
        "peringatan": {"type": "integer"},
        "temuan": {"type": "array", "items": _FINDING},
        "temuan_lain": {"type": "integer"},
        "perbandingan": {
            "type": ["object", "null"],
            "description": "bila sudah ada berkas untuk tanggal ini: kecamatan, jumlah wajib_ktp dan"
            " sudah_rekam lama dan baru, kecamatan yang hilang",
        },
        "keputusan": {
            "type": ["object", "null"],
            "description": "keputusan proses malam (status, keterangan, run_id, diproses_pada);"
            " null sebelumnya",
        },
    },
}
_ERROR = {"type": "object", "properties": {"galat": {"type": "string"}}}


def _answer(text: str, schema: dict) -> dict:
    return {"description": text, "content": {"application/json": {"schema": schema}}}


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Portal Unggahan e-KTP NTB",
        "version": "1",
        "description": "Kirim berkas laporan harian kabupaten/kota dari sistem kantor (mis. ekspor SIAK)."
        " Token per kantor: `ektp akun token NAMA`.",
    },
    "components": {
        "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        "schemas": {"TandaTerima": _RECEIPT, "Galat": _ERROR},
    },
    "security": [{"token": []}],
    "paths": {
        "/api/v1/kiriman": {
            "post": {
                "summary": "Kirim satu berkas laporan (CSV/XLSX) ke folder kabupaten pemilik token",
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["berkas"],
                                "properties": {
                                    "berkas": {"type": "string", "format": "binary"},
                                    "ganti": {
                                        "type": "string",
                                        "enum": ["ya", "tidak"],
                                        "description": "ya: ganti berkas yang sudah ada"
                                        " untuk tanggal yang sama",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _answer(
                        "disimpan; diperiksa (status loaded atau rejected)",
                        {"$ref": "#/components/schemas/TandaTerima"},
                    ),
                    "200": _answer(
                        "sama persis dengan berkas yang sudah ada; tidak disimpan lagi",
                        {"$ref": "#/components/schemas/TandaTerima"},
                    ),
                    "202": _answer(
                        "disimpan; pemeriksaan gagal, proses malam memutuskan",
                        {"$ref": "#/components/schemas/TandaTerima"},
                    ),
                    "400": _answer(
                        "formulir salah (bukan satu berkas di field berkas)",
                        {"$ref": "#/components/schemas/Galat"},
                    ),
                    "401": _answer("token tidak ada atau tidak sah", {"$ref": "#/components/schemas/Galat"}),
                    "409": _answer(
                        "sudah ada berkas untuk tanggal ini; tidak disimpan; kirim ulang dengan ganti=ya",
                        {"$ref": "#/components/schemas/TandaTerima"},
                    ),
                    "408": _answer(
                        "kiriman terlalu lambat; sambungan diputus", {"$ref": "#/components/schemas/Galat"}
                    ),
                    "411": _answer(
                        "tanpa Content-Length (dan tidak chunked)", {"$ref": "#/components/schemas/Galat"}
                    ),
                    "413": _answer("kiriman terlalu besar", {"$ref": "#/components/schemas/Galat"}),
                    "422": _answer(
                        "ditolak portal (ukuran, jenis, isi); tidak disimpan",
                        {"$ref": "#/components/schemas/TandaTerima"},
                    ),
                    "429": _answer(
                        "terlalu banyak token salah dari alamat ini", {"$ref": "#/components/schemas/Galat"}
                    ),
                },
            }
        },
        "/api/v1/kiriman/{id}": {
            "get": {
                "summary": "Tanda terima satu unggahan kabupaten pemilik token, dan keputusan proses malam",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {
                    "200": _answer("tanda terima", {"$ref": "#/components/schemas/TandaTerima"}),
                    "401": _answer("token tidak ada atau tidak sah", {"$ref": "#/components/schemas/Galat"}),
                    "404": _answer(
                        "tidak ada unggahan dengan nomor ini di kabupaten token",
                        {"$ref": "#/components/schemas/Galat"},
                    ),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "Deskripsi ini",
                "security": [],
                "responses": {"200": {"description": "OpenAPI 3.1"}},
            }
        },
    },
}
