"""The cross-process wake-up of the event log: "the log has grown, read it".

In one process the relay is woken in memory; with several, through a Redis Stream
(``redis.py``). The database is the truth either way: a wake-up only says that something
newer may exist, so subscribers re-read from their own position.
"""

from __future__ import annotations

from rejoinder.broadcast.base import Broadcast, Subscription
from rejoinder.broadcast.memory import MemoryBroadcast
from rejoinder.settings import RedisSettings


def from_settings(settings: RedisSettings) -> Broadcast:
    """The broadcast ``[redis]`` asks for: a Redis Stream when ``url`` is set, else memory."""
    if settings.url is None:
        return MemoryBroadcast()
    from rejoinder.broadcast.redis import RedisBroadcast

    return RedisBroadcast.from_url(
        settings.url,
        prefix=settings.key_prefix,
        timeout=settings.timeout_seconds,
        max_length=settings.stream_max_length,
    )


__all__ = ["Broadcast", "MemoryBroadcast", "Subscription", "from_settings"]
