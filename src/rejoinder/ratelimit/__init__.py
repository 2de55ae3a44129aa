"""Rate limits behind one small interface: in-process (one process) or Redis (several)."""

from __future__ import annotations

from rejoinder.kernel.clock import Clock
from rejoinder.ratelimit.base import RateLimiter
from rejoinder.ratelimit.memory import MemoryRateLimiter
from rejoinder.settings import RedisSettings


def from_settings(settings: RedisSettings, clock: Clock) -> RateLimiter:
    """The limiter ``[redis]`` asks for: Redis when ``url`` is set, else in-process."""
    if settings.url is None:
        return MemoryRateLimiter(clock)
    from rejoinder.ratelimit.redis import RedisRateLimiter

    return RedisRateLimiter.from_url(
        settings.url, clock, prefix=settings.key_prefix, timeout=settings.timeout_seconds
    )


__all__ = ["MemoryRateLimiter", "RateLimiter", "from_settings"]
