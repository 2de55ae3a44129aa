"""Rate limits behind one small interface: in-process (one process) or Redis (several)."""

from rejoinder.ratelimit.base import RateLimiter
from rejoinder.ratelimit.memory import MemoryRateLimiter

__all__ = ["MemoryRateLimiter", "RateLimiter"]
