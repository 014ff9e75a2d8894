"""A bound on password hashing: each argon2 check takes 64 MiB and a core for a moment, so at most
`running` run at once, at most `waiting` more wait (each for at most `wait_seconds`), and any
other attempt is refused at once. Forty logins at the same moment cost two hashes' memory, not
forty, and every one of them gets an answer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Busy(Exception):
    """No room to check a password now (the page says: try again in a moment)."""


class Gate:
    def __init__(self, running: int = 2, waiting: int = 8, wait_seconds: float = 5.0) -> None:
        self._slots = asyncio.Semaphore(running)
        self._waiting = 0
        self.max_waiting = waiting
        self.wait_seconds = wait_seconds
        self.passed = 0  # how many went through: what the tests count

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._slots.locked() and self._waiting >= self.max_waiting:
            raise Busy
        self._waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
        except TimeoutError:
            raise Busy from None
        finally:
            self._waiting -= 1
        self.passed += 1
        try:
            yield
        finally:
            self._slots.release()
