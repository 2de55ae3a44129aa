"""The embedded default: a sliding-window log per key, in this process's memory."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

from rejoinder.kernel.clock import Clock
from rejoinder.ratelimit.base import Limit


class MemoryRateLimiter:
    """A sliding-window log per key. Bounded: keys idle for a whole window are dropped."""

    def __init__(self, clock: Clock, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._max_keys = max_keys

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        return await self.hit_all((Limit(key, limit, window_seconds),))

    async def hit_all(self, limits: Sequence[Limit]) -> int | None:
        now = self._clock.timestamp()
        new = sum(limit.key not in self._hits for limit in limits)
        if new and len(self._hits) + new > self._max_keys:
            self._evict(now, max(limit.window_seconds for limit in limits))
        logs = [self._log(limit.key, now, limit.window_seconds) for limit in limits]
        waits = [
            max(1, math.ceil(log[0] + limit.window_seconds - now))
            for limit, log in zip(limits, logs, strict=True)
            if len(log) >= limit.limit
        ]
        if waits:
            return max(waits)
        for log in logs:
            log.append(now)
        return None

    def _log(self, key: str, now: float, window_seconds: int) -> deque[float]:
        """``key``'s hits within the window ending ``now``."""
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - window_seconds:
            hits.popleft()
        return hits

    @property
    def healthy(self) -> bool:
        return True  # nothing to reach

    async def close(self) -> None:
        self._hits.clear()

    def _evict(self, now: float, window_seconds: int) -> None:
        stale = [k for k, v in self._hits.items() if not v or v[-1] <= now - window_seconds]
        for key in stale or list(self._hits)[: len(self._hits) // 2]:
            del self._hits[key]
