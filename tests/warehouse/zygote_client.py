"""The test's side of tests/warehouse/zygote.py: ask it for `ektp` runs, kill them, wait for them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


class Zygote:
    """A process that imported the stack once and forks a fresh `ektp` run per request."""

    def __init__(self, env: dict) -> None:
        script = Path(__file__).with_name("zygote.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script)], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, args: list[str], wait: bool) -> dict:
        self.proc.stdin.write(json.dumps({"args": args, "wait": wait}) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def gone(pid: int) -> bool:
    """The process has exited (or is a zombie waiting to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
