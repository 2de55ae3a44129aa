"""Opening a Redis client, and the degraded/healthy state every Redis backend reports.

Every Redis backend keeps the service running while Redis is away (an in-process stand-in,
or a wake-up that waits); what it must not do is hang requests on retries or fill the log
with one line per request. So clients here answer or fail within ``timeout`` and never
retry behind the caller's back, and :class:`Availability` logs a change of state, not each
failure.
"""

from __future__ import annotations

import logging

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

# What "Redis is unreachable or broken" looks like to a caller: redis-py's own errors
# (ConnectionError, TimeoutError, ResponseError...) and the OS's, raised before redis-py
# wraps them (connection refused on a closed port).
REDIS_FAILURES: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


def open_redis(
    url: str, *, timeout: float, name: str = "rejoinder", max_connections: int = 16
) -> Redis:
    """A client that connects lazily and fails fast: no retries, ``timeout`` on every step.

    The pool is bounded and callers wait (up to ``timeout``) for a free connection: a burst of
    requests then shares a few connections instead of opening one each at the same moment,
    which on a busy machine makes connects time out and the backend degrade for nothing.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry=Retry(NoBackoff(), 0),  # redis-py 6+ retries 3 times with back-off by default
        client_name=name,
    )
    return Redis.from_pool(pool)


class Availability:
    """Whether a backend reaches Redis, logged once per change (not per request)."""

    def __init__(self, backend: str, log: logging.Logger) -> None:
        self._backend = backend
        self._log = log
        self.healthy = True

    def failed(self, error: BaseException, fallback: str) -> None:
        if self.healthy:
            self.healthy = False
            self._log.warning(
                "%s: Redis is unreachable (%s: %s); %s until it is back",
                self._backend,
                type(error).__name__,
                error,
                fallback,
            )

    def recovered(self) -> None:
        if not self.healthy:
            self.healthy = True
            self._log.info("%s: Redis is reachable again", self._backend)
