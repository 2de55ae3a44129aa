"""Rate limits shared by every process through Redis, atomic, degrading to in-process.

One Lua script per hit (``register_script``: EVALSHA, reloaded by redis-py after a Redis
restart) trims the key's sliding-window log, counts it and either records the hit or answers
how long to wait, in one atomic step, so two processes racing for the last slot cannot both
get it. The log is a sorted set of hit times in milliseconds taken from the injected clock,
like the in-process limiter (processes' clocks agree to NTP precision, far below a window).

Each script call touches one key, so it runs on Redis Cluster as is; the key carries a hash
tag anyway (``rejoinder:ratelimit:{post:42}``) so that its slot is the limiter key's. An
attempt against several limits (``hit_all``: a reader's and their address's) sends one script
call per key in one pipeline, one round trip; when one of them refuses, the others' records
of the attempt are removed again (``ZREM`` of its unique member), so a refusal counts
nowhere. Between the two steps another process may see the attempt counted for a moment:
it errs towards refusing, never towards letting more through.

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
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import NoScriptError

from rejoinder.kernel.clock import Clock
from rejoinder.kernel.redis import REDIS_FAILURES, Availability, open_redis
from rejoinder.ratelimit.base import Limit, RateLimiter
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
        return await self.hit_all((Limit(key, limit, window_seconds),))

    async def hit_all(self, limits: Sequence[Limit]) -> int | None:
        if not self._availability.healthy:
            self._maybe_probe()
            return await self._fallback.hit_all(limits)
        now = round(self._clock.timestamp() * 1000)
        members = [f"{now}:{self._origin}:{next(self._serial)}" for _ in limits]
        try:
            waits = await self._count(limits, members, now)
            if len(waits) > 1 and any(wait >= 0 for wait in waits):
                await self._uncount(limits, members, waits)
        except REDIS_FAILURES as error:
            self._availability.failed(error, "limits count in this process")
            self._next_probe = time.monotonic() + self._probe_seconds
            return await self._fallback.hit_all(limits)
        refused = [wait for wait in waits if wait >= 0]
        return max(1, math.ceil(max(refused) / 1000)) if refused else None

    def _key(self, key: str) -> str:
        return f"{self._prefix}{{{key}}}"

    async def _count(self, limits: Sequence[Limit], members: list[str], now: int) -> list[int]:
        """Each limit's script: -1 where the hit was allowed (and recorded), else the wait in
        milliseconds. One limit is one EVALSHA; several go in one pipeline (one round trip)."""
        calls: list[tuple[list[str], list[str | int]]] = [
            ([self._key(limit.key)], [now, limit.window_seconds * 1000, limit.limit, member])
            for limit, member in zip(limits, members, strict=True)
        ]
        if len(calls) == 1:
            keys, args = calls[0]
            return [int(await self._script(keys=keys, args=args))]
        pipe = self._client.pipeline(transaction=False)
        for keys, args in calls:
            pipe.evalsha(self._script.sha, len(keys), *keys, *args)
        replies = await pipe.execute(raise_on_error=False)
        waits: list[int] = []
        for (keys, args), reply in zip(calls, replies, strict=True):
            answer = reply
            if isinstance(answer, NoScriptError):  # a restarted Redis lost the script: load it
                answer = await self._script(keys=keys, args=args)
            if isinstance(answer, Exception):
                raise answer
            waits.append(int(answer))
        return waits

    async def _uncount(self, limits: Sequence[Limit], members: list[str], waits: list[int]) -> None:
        """Another limit refused the attempt: take it back from those that had counted it."""
        pipe = self._client.pipeline(transaction=False)
        for limit, member, wait in zip(limits, members, waits, strict=True):
            if wait < 0:
                pipe.zrem(self._key(limit.key), member)
        if len(pipe):
            await pipe.execute()

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
