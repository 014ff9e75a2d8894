"""Prometheus metrics (`GET /metrics`) for a monitor on this machine only: the request must come
from loopback and carry no forwarding header (through nginx it always does; the site also refuses
the path). An ASGI middleware rather than a route: it also times every upload request.

Metrics (read at each scrape from the trace beside the warehouse and the published warehouse):
- `ektp_proses_total{jenis,hasil}`: runs ended, by kind (nightly, backfill) and end (berhasil,
  gagal, dihentikan), since the trace began;
- `ektp_berkas{status}`: files decided, by the status of their latest decision;
- `ektp_tanda_terima_detik`: histogram of an upload request's time until its receipt (this
  process, since it started);
- `ektp_pengingat_total{jenis,saluran,hasil}`: reminders (`pengingat`) and digests (`ringkasan`)
  tried, by channel (surel, webhook) and result (terkirim, gagal), from the table `pengingat`: a
  count since the warehouse began, the same after a restart;
- `ektp_sehat` (1/0), `ektp_nightly_terakhir_selesai_detik`, `ektp_terbitan_nomor`,
  `ektp_terbitan_detik`, `ektp_disk_bebas_bytes`: what `/sehat` tells, as numbers.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contract.errors import EktpError
from contract.settings import Settings
from portal import health
from warehouse import jejak, read

LOOPBACK = {"127.0.0.1", "::1"}
FORWARDED = {b"x-forwarded-for", b"forwarded", b"x-real-ip"}
# A receipt comes back in well under a second for one file; ten files with history take longer.
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)


class Installation(Collector):
    """The metrics read at scrape time: the runs, the files, the health."""

    def __init__(self, settings: Settings, portal_db: Path) -> None:
        self.settings = settings
        self.portal_db = portal_db

    def collect(self) -> Iterator[Metric]:
        runs = CounterMetricFamily(
            "ektp_proses", "Proses yang selesai, per jenis dan hasil.", labels=["jenis", "hasil"]
        )
        for kind, ends in sorted(jejak.counts(self.settings.warehouse).items()):
            for end, n in sorted(ends.items()):
                runs.add_metric([kind, end], n)
        yield runs
        files = GaugeMetricFamily(
            "ektp_berkas", "Berkas yang diputuskan, per status keputusan terakhir.", labels=["status"]
        )
        for row in _query(self.settings.warehouse, "metrik_berkas"):
            files.add_metric([row["status"]], row["jumlah"])
        yield files
        sent = CounterMetricFamily(
            "ektp_pengingat",
            "Pengingat dan ringkasan yang dikirim atau dicoba, per jenis, saluran dan hasil.",
            labels=["jenis", "saluran", "hasil"],
        )
        for row in _query(self.settings.warehouse, "metrik_pengingat"):
            sent.add_metric([row["jenis"], row["saluran"], row["hasil"]], row["jumlah"])
        yield sent
        yield from _health(health.gather(self.settings, self.portal_db))


def _query(warehouse: Path, name: str) -> list[dict]:
    """The rows of a metric's query (warehouse/sql/queries/<name>.sql); none before the first run,
    nor from a warehouse of a release without its relation."""
    if not warehouse.is_file():
        return []
    try:
        with read.connect(warehouse) as con:
            return read.rows(con, name)
    except EktpError:
        return []


def _health(found: health.Health) -> Iterator[Metric]:
    yield GaugeMetricFamily("ektp_sehat", "1 bila /sehat menjawab ok.", value=found["status"] == "ok")
    nightly = found["nightly"] or {}
    if moment := nightly.get("selesai"):
        yield GaugeMetricFamily(
            "ektp_nightly_terakhir_selesai_detik",
            "Waktu (Unix) nightly terakhir selesai.",
            value=datetime.fromisoformat(moment).timestamp(),
        )
        yield GaugeMetricFamily(
            "ektp_nightly_terakhir_berhasil",
            "1 bila nightly terakhir berhasil.",
            value=nightly["status"] == "berhasil",
        )
    if publication := found["terbitan"]:
        yield GaugeMetricFamily(
            "ektp_terbitan_nomor", "Nomor terbitan gudang data.", value=publication["nomor"]
        )
        yield GaugeMetricFamily(
            "ektp_terbitan_detik",
            "Waktu (Unix) terbitan gudang data.",
            value=datetime.fromisoformat(publication["diterbitkan_pada"]).timestamp(),
        )
    yield GaugeMetricFamily(
        "ektp_disk_bebas_bytes", "Ruang bebas disk gudang data.", value=found["disk"]["bebas_bytes"]
    )


class Metrics:
    """Answers GET /metrics from loopback; times upload requests; passes everything else on."""

    def __init__(self, app: ASGIApp, settings: Settings, portal_db: Path) -> None:
        self.app = app
        self.registry = CollectorRegistry(auto_describe=False)
        self.latency = Histogram(
            "ektp_tanda_terima_detik",
            "Lama permintaan unggah sampai tanda terimanya (detik).",
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.registry.register(Installation(settings, portal_db))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["path"] == "/metrics" and scope["method"] == "GET" and _inside(scope):
            return await self._answer(send)
        if scope["method"] != "POST" or not scope["path"].endswith("/unggah"):
            return await self.app(scope, receive, send)
        begun = time.perf_counter()
        answered: list[int] = []

        async def timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered.append(message["status"])
            await send(message)

        await self.app(scope, receive, timed)
        if answered and answered[0] < 400:  # a receipt given (not a refusal)
            self.latency.observe(time.perf_counter() - begun)

    async def _answer(self, send: Send) -> None:
        body = await run_in_threadpool(generate_latest, self.registry)
        headers = [
            (b"content-type", CONTENT_TYPE_LATEST.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _inside(scope: Scope) -> bool:
    client = scope.get("client")
    if not client or client[0] not in LOOPBACK:
        return False
    return not any(name in FORWARDED for name, _ in scope["headers"])
