"""Helpers of the issue-5 tests: a tiny landing folder, a loopback webhook, table dumps."""

from __future__ import annotations

import json
import random
import socket
import threading
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.uploads import KOTA_BIMA, LOMBOK_UTARA, day_file, reading, row, write

D1, D2, D3 = date(2018, 4, 1), date(2018, 4, 2), date(2018, 4, 3)


def tiny_landing(landing: Path, days=(D1, D2, D3)) -> Path:
    """Two districts reporting every day, and one rejected file (sudah_rekam > wajib_ktp)."""
    for d in days:
        day_file(landing, "5272", KOTA_BIMA, d, base=5_000, step=10)
        day_file(landing, "5208", LOMBOK_UTARA, d, base=7_000, step=20)
    write(landing, "5208", f"lap_{days[-1].isoformat()}_ulang.csv", [row(days[-1], "520801", 100, 900)])
    return landing


def table(warehouse: Path, name: str, drop: tuple[str, ...] = ()) -> list[tuple]:
    """Every row of `name`, sorted, without the columns that differ from run to run."""
    with reading(warehouse) as con:
        cols = [
            c
            for (c,) in con.execute(
                "select column_name from information_schema.columns"
                " where table_catalog = current_database() and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            if c not in drop
        ]
        return sorted(con.execute(f"select {', '.join(cols)} from {name}").fetchall(), key=repr)


def free_port() -> int:
    """A free loopback port below Linux's ephemeral range (32768+), where outgoing connections
    of other processes cannot take it between this check and the server's bind."""
    for port in random.sample(range(20000, 30000), 200):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000-29999")


class Webhook:
    """A loopback HTTP receiver: records what was POSTed, answers `status` after `delay` s."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.received: list[dict] = []
        self.answered = threading.Event()  # set once it has answered a POST
        self.release = threading.Event()  # ends a delay early (the test is done with it)
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                hook.received.append({"type": self.headers["Content-Type"], "json": json.loads(body)})
                hook.release.wait(hook.delay)
                self.send_response(hook.status)
                self.end_headers()
                hook.answered.set()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/rahasia-123?token=abc"

    @contextmanager
    def running(self):
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self.server.shutdown()
            self.server.server_close()
