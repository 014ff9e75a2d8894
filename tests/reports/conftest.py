"""A small warehouse with the CONTRACT §4 relations, and the latest-report table the queries read,
built the way the pipeline would.

The real pipeline can later replace `build_warehouse`: the report tests read their expected
figures from the warehouse itself, and only rely on the story told here (who is missing, which
file was rejected, which names are hostile).
"""

from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import duckdb
import pytest

from tests.reports.support import keep_latest_reports
from warehouse import macros, marts
from warehouse.read import sql

D = date(2018, 4, 12)
FIRST = D - timedelta(days=9)
WITA = ZoneInfo("Asia/Makassar")
SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_REASON = "=SUM(C2:C9) bukan angka (baris 4, kolom sudah_rekam)"
REJECTED_FILE = "5208/rekap 12 april.xlsx"
LAST_RUN = "run-2018-04-13"

KABUPATEN = [
    ("5201", "Kabupaten Lombok Barat"),  # on track; Narmada misses D; signed off up to D
    ("5203", "Kabupaten Lombok Timur"),  # too slow for the target; locked up to D
    ("5208", "Kabupaten Lombok Utara"),  # stalled, and sends nothing loadable for D; neither
]
# kode_kabupaten, sampai_tanggal, tindakan, oleh, atas (CONTRACT §4 `persetujuan`): 5203 is signed
# off and then locked (locked wins), 5201 signed off, 5208 neither.
PERSETUJUAN = [
    ("5201", D, "disetujui", "Kadis Dukcapil Lombok Barat", "persetujuan"),
    ("5203", D, "disetujui", "Kadis Dukcapil Lombok Timur", "persetujuan"),
    ("5203", D, "dikunci", "Kabid Dafduk Provinsi", "kunci"),
]
STATUS_DATA = {"5201": "disetujui", "5203": "dikunci", "5208": "sementara"}

# kode, kabupaten, nama, wajib_ktp, sudah_rekam on FIRST, recorded a day, last day reported
KECAMATAN = [
    ("520101", "5201", "Gerung", 61_234, 58_000, 250, D),
    ("520102", "5201", "Kediri", 43_210, 41_500, 180, D),
    ("520103", "5201", "Narmada", 72_345, 70_100, 120, D - timedelta(days=1)),
    ("520301", "5203", "Keruak", 38_765, 30_000, 40, D),
    ("520302", "5203", SCRIPT_NAME, 51_234, 40_000, 60, D),
    ("520801", "5208", "Tanjung", 45_678, 30_000, 0, D - timedelta(days=1)),
    ("520802", "5208", "Gangga", 40_123, 25_000, 0, D - timedelta(days=1)),
]

DDL = """
create table wilayah_kabupaten (kode_kabupaten varchar, nama varchar);
create table wilayah_kecamatan (kode_kecamatan varchar, kode_kabupaten varchar, nama varchar);
create table progres_kecamatan (
    tanggal date, kode_kabupaten varchar, kode_kecamatan varchar, nama_kecamatan varchar,
    wajib_ktp bigint, sudah_rekam bigint, belum_rekam bigint, rekam_hari_ini bigint,
    rekam_keliling bigint, sudah_cetak bigint, persen_rekam decimal(5, 2), file_sumber varchar);
create table progres_kabupaten (
    tanggal date, kode_kabupaten varchar, nama_kabupaten varchar, wajib_ktp bigint,
    sudah_rekam bigint, belum_rekam bigint, rekam_hari_ini bigint, persen_rekam decimal(5, 2),
    kecamatan_lapor integer, kecamatan_total integer);
create table progres_provinsi (
    tanggal date, kode_provinsi varchar, wajib_ktp bigint, sudah_rekam bigint, belum_rekam bigint,
    rekam_hari_ini bigint, persen_rekam decimal(5, 2), kabupaten_lapor integer);
create table unggahan (
    file varchar, sha256 varchar, kode_kabupaten varchar, tanggal date, status varchar,
    alasan varchar, baris integer, diproses_pada timestamptz, run_id varchar, tiba_pada timestamptz);
create table kualitas_data (
    file varchar, sha256 varchar, kode_kabupaten varchar, tanggal date, kode_kecamatan varchar,
    aturan varchar, tingkat varchar, pesan varchar);
"""

# The journal the scorecard reads: each file first seen 8 hours before its run (18:05 WITA on its
# date, before the 02:00 deadline), except Lombok Timur's, sent the next morning at 08:00 (late).
JOURNAL = """
create table riwayat_unggahan as
select
    file, sha256, diproses_pada as berlaku_sejak, diproses_pada,
    case when kode_kabupaten = '5203' then diproses_pada + interval 6 hour - interval 5 minute
         else diproses_pada - interval 8 hour end as diubah_pada
from unggahan;
"""

# CONTRACT §4 derivations: carried-forward stocks, same-day flows, from each kabupaten's first
# report (province: from the first report of any) to the latest report date.
DERIVE = """
insert into progres_kabupaten
with
hari as (
    select unnest(generate_series(min(tanggal), max(tanggal), interval 1 day))::date as tanggal
    from progres_kecamatan
),
pertama as (select kode_kabupaten, min(tanggal) as pertama from progres_kecamatan group by all),
kisi as (
    select hari.tanggal, w.kode_kabupaten, w.kode_kecamatan
    from hari
    join pertama on hari.tanggal >= pertama.pertama
    join wilayah_kecamatan as w using (kode_kabupaten)
),
stok as (
    select kisi.tanggal, kisi.kode_kabupaten, p.wajib_ktp, p.sudah_rekam, p.belum_rekam
    from kisi
    asof left join progres_kecamatan as p
        on kisi.kode_kecamatan = p.kode_kecamatan and kisi.tanggal >= p.tanggal
),
harian as (
    select tanggal, kode_kabupaten, count(*) as lapor, sum(coalesce(rekam_hari_ini, 0)) as rekam
    from progres_kecamatan group by all
),
total as (select kode_kabupaten, count(*) as n from wilayah_kecamatan group by all)
select
    stok.tanggal, stok.kode_kabupaten, any_value(k.nama),
    sum(stok.wajib_ktp), sum(stok.sudah_rekam), sum(stok.belum_rekam),
    coalesce(any_value(harian.rekam), 0),
    round(100 * sum(stok.sudah_rekam) / sum(stok.wajib_ktp), 2),
    coalesce(any_value(harian.lapor), 0), any_value(total.n)
from stok
join wilayah_kabupaten as k using (kode_kabupaten)
join total using (kode_kabupaten)
left join harian using (tanggal, kode_kabupaten)
group by stok.tanggal, stok.kode_kabupaten;

insert into progres_provinsi
select
    tanggal, left(kode_kabupaten, 2), sum(wajib_ktp), sum(sudah_rekam), sum(belum_rekam), sum(rekam_hari_ini),
    round(100 * sum(sudah_rekam) / sum(wajib_ktp), 2), count(*) filter (kecamatan_lapor > 0)
from progres_kabupaten
group by tanggal, left(kode_kabupaten, 2);
"""


def kecamatan_rows() -> list[tuple]:
    """One progres_kecamatan row per kecamatan and reported day."""
    rows = []
    for kode, kab, nama, wajib, sudah0, per_day, last in KECAMATAN:
        for i in range((last - FIRST).days + 1):
            tanggal = FIRST + timedelta(days=i)
            sudah = sudah0 + per_day * i
            rows.append(
                (
                    tanggal,
                    kab,
                    kode,
                    nama,
                    wajib,
                    sudah,
                    wajib - sudah,
                    None if i == 0 else per_day,
                    None,
                    sudah - 1_000,
                    round(100 * sudah / wajib, 2),
                    f"{kab}/{tanggal}.csv",
                )
            )
    return rows


def processed(tanggal: date) -> datetime:
    """The nightly run after a report date processes it at 02:05 WITA."""
    return datetime.combine(tanggal + timedelta(days=1), datetime.min.time(), WITA).replace(hour=2, minute=5)


def unggahan_rows(progres: list[tuple]) -> list[tuple]:
    """A loaded file per district and reported day, and two rejected files."""
    loaded = sorted({(r[0], r[1]) for r in progres})
    rows = [
        (
            f"{kab}/{t}.csv",
            f"sha-{kab}-{t}",
            kab,
            t,
            "loaded",
            None,
            3,
            processed(t),
            f"run-{t + timedelta(days=1)}",
        )
        for t, kab in loaded
    ]
    rows.append((REJECTED_FILE, "sha-bad", "5208", D, "rejected", FORMULA_REASON, 2, processed(D), LAST_RUN))
    # Rejected for another date: not part of D's report.
    rows.append(
        (
            "5203/lama.csv",
            "sha-old",
            "5203",
            D - timedelta(days=2),
            "rejected",
            "kolom_hilang: wajib_ktp",
            0,
            processed(D - timedelta(days=2)),
            "run-2018-04-11",
        )
    )
    return rows


KUALITAS = [
    (
        "5201/2018-04-12.csv",
        "sha-5201-2018-04-12",
        "5201",
        D,
        "520103",
        "kecamatan_tidak_lapor",
        "warning",
        "Narmada tidak ada",
    ),
    (
        "5203/2018-04-12.csv",
        "sha-5203-2018-04-12",
        "5203",
        D,
        "520302",
        "nama_tidak_sesuai",
        "warning",
        "nama berbeda",
    ),
    (REJECTED_FILE, "sha-bad", "5208", D, "520801", "angka_tidak_valid", "error", FORMULA_REASON),
    (
        "5203/2018-04-11.csv",
        "sha-5203-2018-04-11",
        "5203",
        D - timedelta(days=1),
        "520301",
        "rekam_menurun",
        "warning",
        "turun",
    ),
]


def build_warehouse(path: Path) -> Path:
    """Write the fixture warehouse to `path` and close it, as the pipeline publishes its file."""
    progres = kecamatan_rows()
    con = duckdb.connect(str(path))
    try:
        con.execute(DDL)
        con.executemany("insert into wilayah_kabupaten values (?, ?)", KABUPATEN)
        con.executemany("insert into wilayah_kecamatan values (?, ?, ?)", [k[:3] for k in KECAMATAN])
        con.executemany("insert into progres_kecamatan values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", progres)
        con.execute(DERIVE)
        keep_latest_reports(con)
        con.executemany(
            "insert into unggahan values (?, ?, ?, ?, ?, ?, ?, ?, ?, null)", unggahan_rows(progres)
        )
        con.executemany("insert into kualitas_data values (?, ?, ?, ?, ?, ?, ?, ?)", KUALITAS)
        con.execute(JOURNAL)
        # Each file arrived when the journal says it was first seen (CONTRACT §2).
        con.execute(
            "update unggahan set tiba_pada = r.diubah_pada from riwayat_unggahan r"
            " where r.file = unggahan.file and r.sha256 = unggahan.sha256"
        )
        # The scorecard is a mart of the pipeline's: built by its own SQL over the tables above, for
        # every kabupaten from the first day, as a full rebuild names them.
        macros.install(con)  # the SQL's own macros (the deadline of a report date)
        con.execute(f"create temp table {marts.CHANGES} as select * from {marts.EVERYTHING}")
        marts.keep_bounds(con)
        code = sql("marts/mutu_kabupaten")
        con.execute(f"create table mutu_kabupaten as {code}", marts.params(code, None))
        # Sign-offs and locks in the pipeline's own table; `status_data` by its own SQL.
        con.execute(sql("migrations/008_persetujuan"))
        con.executemany(
            "insert into persetujuan select ?, ?, ?, ?, ?, null, ?, ?, null",
            [(*a[:4], processed(D), a[4], i) for i, a in enumerate(PERSETUJUAN, start=1)],
        )
        con.execute(f"create table status_data as {sql('marts/status_data')}")
        con.execute("checkpoint")
    finally:
        con.close()
    return path


@pytest.fixture
def story() -> SimpleNamespace:
    """What the fixture warehouse is known to say, for the tests to look for."""
    return SimpleNamespace(
        D=D,
        first=FIRST,
        script_name=SCRIPT_NAME,
        formula_reason=FORMULA_REASON,
        rejected_file=REJECTED_FILE,
        last_run=LAST_RUN,
        status_data=STATUS_DATA,
    )


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: the report only ever opens it read-only."""
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "ektp.duckdb")


@pytest.fixture(scope="session")
def query(warehouse: Path):
    """Run one read-only query against the fixture warehouse: the tests' source of truth."""

    def run(sql: str, *params):
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()

    return run
