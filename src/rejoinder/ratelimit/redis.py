"""Rate limits shared by every process through Redis, atomic, degrading to in-process.

One Lua script per hit (``register_script``: EVALSHA, reloaded by redis-py after a Redis
restart) trims the key's sliding-window log, counts it and either records the hit or answers
how long to wait, in one atomic step, so two processes racing for the last slot cannot both
get it. The log is a sorted set of hit times in milliseconds taken from the injected clock,
like the in-process limiter (processes' clocks agree to NTP precision, far below a window).

Each call touches one key, so the script runs on Redis Cluster as is; the key carries a hash
tag anyway (``rejoinder:ratelimit:{post:42}``) so that its slot is the limiter key's.

When Redis does not answer, the hit is counted by an in-process limiter instead (limits then
hold per process, as without Redis), the state is logged once and shown by ``healthy``; a
background ping every ``probe_seconds`` notices when Redis is back, and hits go to Redis
again. Requests never wait on the probe.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import os
import time

from redis.asyncio import Redis

from rejoinder.kernel.clock import Clock
from rejoinder.kernel.redis import REDIS_FAILURES, Availability, open_redis
from rejoinder.ratelimit.base import RateLimiter
from rejoinder.ratelimit.memory import MemoryRateLimiter

log = logging.getLogger(__name__)

# KEYS[1] the key's log; ARGV now (ms), window (ms), limit, a unique member.
# Returns -1 when the hit is allowed (and recorded), else the milliseconds until a slot frees.
SLIDING_WINDOW = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= tonumber(ARGV[3]) then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return tonumber(oldest[2]) + window - now
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return -1
"""


class RedisRateLimiter:
    """A sliding-window limiter in Redis, shared by every process that uses the same prefix."""

    def __init__(
        self,
        client: Redis,
        clock: Clock,
        *,
        prefix: str = "rejoinder",
        fallback: RateLimiter | None = None,
        probe_seconds: float = 1.0,
    ) -> None:
        self._client = client
        self._clock = clock
        self._prefix = f"{prefix}:ratelimit:"
        self._script = client.register_script(SLIDING_WINDOW)
        self._fallback = fallback or MemoryRateLimiter(clock)
        self._availability = Availability("rate limits", log)
        self._probe_seconds = probe_seconds
        self._next_probe = 0.0
        self._probe: asyncio.Task[None] | None = None
        # Members must be unique per hit, across processes: two hits in one millisecond count twice.
        self._origin = os.urandom(6).hex()
        self._serial = itertools.count()

    @classmethod
    def from_url(
        cls, url: str, clock: Clock, *, prefix: str = "rejoinder", timeout: float = 0.5
    ) -> RedisRateLimiter:
        return cls(
            open_redis(url, timeout=timeout, name=f"{prefix}-ratelimit"), clock, prefix=prefix
        )

    @property
    def healthy(self) -> bool:
        return self._availability.healthy

    async def hit(self, key: str, *, limit: int, window_seconds: int) -> int | None:
        if not self._availability.healthy:
            self._maybe_probe()
            return await self._fallback.hit(key, limit=limit, window_seconds=window_seconds)
        now = round(self._clock.timestamp() * 1000)
        member = f"{now}:{self._origin}:{next(self._serial)}"
        try:
            wait_ms = await self._script(
                keys=[f"{self._prefix}{{{key}}}"], args=[now, window_seconds * 1000, limit, member]
            )
        except REDIS_FAILURES as error:
            self._availability.failed(error, "limits count in this process")
            self._next_probe = time.monotonic() + self._probe_seconds
            return await self._fallback.hit(key, limit=limit, window_seconds=window_seconds)
        if int(wait_ms) < 0:
            return None
        return max(1, math.ceil(int(wait_ms) / 1000))

    def _maybe_probe(self) -> None:
        if (self._probe is None or self._probe.done()) and time.monotonic() >= self._next_probe:
            self._next_probe = time.monotonic() + self._probe_seconds
            self._probe = asyncio.create_task(self._ping(), name="ratelimit-redis-probe")

    async def _ping(self) -> None:
        try:
            await self._client.ping()
        except REDIS_FAILURES:
            return  # still away; the next hit after probe_seconds asks again
        self._availability.recovered()

    async def close(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            await asyncio.gather(self._probe, return_exceptions=True)
        await self._client.aclose()
        await self._fallback.close()
