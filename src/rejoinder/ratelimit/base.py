"""The rate limiter's contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol


class Limit(NamedTuple):
    """At most ``limit`` allowed hits of ``key`` in any ``window_seconds``."""

    key: str
    limit: int
    window_seconds: int


class RateLimiter(Protocol):
    """A sliding window per key: at most ``limit`` allowed hits in any ``window_seconds``.

    Refused hits are not counted. Implementations never raise for their own infrastructure
    (a limiter that cannot reach its store degrades, it does not fail the request).
    """

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one attempt for ``key``. ``None`` when allowed, else seconds until allowed."""
        ...

    async def hit_all(self, limits: Sequence[Limit]) -> int | None:
        """One attempt against every one of ``limits`` at once (a reader's and their address's):
        ``None`` when each allows it, and then it is counted in each; else the seconds until
        every one of them would (the longest wait), and it is counted in none."""
        ...

    @property
    def healthy(self) -> bool:
        """False while the shared store is unreachable and limits count per process."""
        ...

    async def close(self) -> None:
        """Release connections and background tasks (the app's shutdown)."""
        ...
