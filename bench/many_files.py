"""Many small files in one inbox (issue 18, item 5): a nightly over N one-row files of one district
must stay under 600 MB peak RSS, and the district's receipt under 5 MB.

    python -m bench.many_files [--files 50000] [--out /tmp/banyak]

Writes N one-row CSV files into the inbox of Kota Bima (5272), spread over 30 report dates (so most
are superseded by a later file of their date, as a district re-sending all day would), runs
`ektp nightly` over them as a child process (its own ephemeral Prefect server unless
PREFECT_API_URL is set), and prints one JSON line: wall seconds, the flow process's own peak RSS
(its kernel high-water mark), its validation child's (GX runs there: expectations/child.py), the
largest single process's (exact, from the kernel), the process tree's summed peak (sampled) and
the receipt sizes. `--landing-ready` reuses an inbox written by an earlier call with the same --out
and --files (only the warehouse is made anew), for repeated runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from bench.measure import run

KOTA_BIMA = ["527201", "527202", "527203", "527204", "527205"]
HEADER = "tanggal,kode_kecamatan,nama_kecamatan,wajib_ktp,sudah_rekam,belum_rekam,sudah_cetak\n"
FIRST = date(2018, 4, 1)
DAYS = 30


def write_inbox(landing: Path, files: int) -> None:
    inbox = landing / "5272"
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        day = FIRST + timedelta(days=i % DAYS)
        kode = KOTA_BIMA[i % len(KOTA_BIMA)]
        sudah = 5_000 + i // DAYS
        (inbox / f"lap_{day.isoformat()}_{i:06d}.csv").write_text(
            f"{HEADER}{day.isoformat()},{kode},,10000,{sudah},{10_000 - sudah},{sudah}\n"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--landing-ready", action="store_true")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="ektp-banyak-"))
    landing, warehouse = out / "landing", out / "gudang.duckdb"
    for made in out.glob("*") if out.is_dir() else ():
        if made != landing or not args.landing_ready:
            shutil.rmtree(made) if made.is_dir() else made.unlink()
    if not args.landing_ready:
        write_inbox(landing, args.files)
    env = {
        **os.environ,
        "EKTP_MIN_AGE_SECONDS": "0",
        "EKTP_TODAY": (FIRST + timedelta(days=DAYS)).isoformat(),
    }
    last = FIRST + timedelta(days=DAYS - 1)
    measured = run(
        "nightly",
        [
            sys.executable,
            "-m",
            "ektp.cli",
            "-q",
            "nightly",
            "--date",
            last.isoformat(),
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
        ],
        env=env,
    )
    receipts = sorted((out / "tanda_terima" / "5272").glob("*"))
    print(
        json.dumps(
            {
                "berkas": args.files,
                "kode_keluar": measured.returncode,
                "detik": round(measured.wall, 1),
                "rss_proses_mb": round(measured.peaks_mb.get("ektp.cli", 0)),
                "rss_validasi_mb": round(measured.peaks_mb.get("expectations.child", 0)),
                "rss_terbesar_mb": round(measured.max_rss_mb),
                "rss_pohon_mb": round(measured.tree_rss_mb),
                "tanda_terima_mb": {p.suffix: round(p.stat().st_size / 1e6, 2) for p in receipts},
                "galat": measured.stderr.strip().splitlines()[-1:] if measured.returncode else [],
            }
        )
    )
    return measured.returncode


if __name__ == "__main__":
    sys.exit(main())
