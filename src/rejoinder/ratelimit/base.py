"""The rate limiter's contract."""

from __future__ import annotations

from typing import Protocol


class RateLimiter(Protocol):
    """A sliding window per key: at most ``limit`` allowed hits in any ``window_seconds``.

    Refused hits are not counted. Implementations never raise for their own infrastructure
    (a limiter that cannot reach its store degrades, it does not fail the request).
    """

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        """Count one attempt for ``key``. ``None`` when allowed, else seconds until allowed."""
        ...

    @property
    def healthy(self) -> bool:
        """False while the shared store is unreachable and limits count per process."""
        ...

    async def close(self) -> None:
        """Release connections and background tasks (the app's shutdown)."""
        ...
