"""``[redis] url`` picks the backends: unset, in-process; set, Redis with the key prefix."""

from __future__ import annotations

from rejoinder import broadcast, ratelimit
from rejoinder.broadcast.redis import RedisBroadcast
from rejoinder.kernel.clock import FrozenClock
from rejoinder.ratelimit.redis import RedisRateLimiter
from rejoinder.settings import RedisSettings


async def test_without_a_url_the_backends_are_in_process() -> None:
    settings = RedisSettings()
    limiter = ratelimit.from_settings(settings, FrozenClock())
    wakeups = broadcast.from_settings(settings)
    assert isinstance(limiter, ratelimit.MemoryRateLimiter)
    assert isinstance(wakeups, broadcast.MemoryBroadcast)
    await limiter.close()
    await wakeups.close()


async def test_with_a_url_the_backends_are_redis_under_the_prefix() -> None:
    settings = RedisSettings(url="redis://127.0.0.1:6379/9", key_prefix="times")
    limiter = ratelimit.from_settings(settings, FrozenClock())
    wakeups = broadcast.from_settings(settings)
    assert isinstance(limiter, RedisRateLimiter)
    assert isinstance(wakeups, RedisBroadcast)
    assert wakeups.stream == "{times:broadcast}:events"
    await limiter.close()
    await wakeups.close()
