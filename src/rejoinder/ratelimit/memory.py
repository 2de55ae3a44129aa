"""The embedded default: a sliding-window log per key, in this process's memory."""

from __future__ import annotations

import math
from collections import deque

from rejoinder.kernel.clock import Clock


class MemoryRateLimiter:
    """A sliding-window log per key. Bounded: keys idle for a whole window are dropped."""

    def __init__(self, clock: Clock, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._max_keys = max_keys

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        now = self._clock.timestamp()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self._max_keys:
                self._evict(now, window_seconds)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - window_seconds:
            hits.popleft()
        if len(hits) >= limit:
            return max(1, math.ceil(hits[0] + window_seconds - now))
        hits.append(now)
        return None

    @property
    def healthy(self) -> bool:
        return True  # nothing to reach

    async def close(self) -> None:
        self._hits.clear()

    def _evict(self, now: float, window_seconds: int) -> None:
        stale = [k for k, v in self._hits.items() if not v or v[-1] <= now - window_seconds]
        for key in stale or list(self._hits)[: len(self._hits) // 2]:
            del self._hits[key]
