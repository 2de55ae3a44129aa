"""One contract for every rate limiter: in-process and Redis (shared by every process).

The Redis limiter is also checked for what only it promises: counts shared by two limiter
instances (two processes), atomic under concurrency, and carrying on in-process while a real
Redis (a private redis-server) is killed or hangs, then back on Redis when it returns.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from rejoinder.kernel.clock import FrozenClock
from rejoinder.ratelimit import MemoryRateLimiter, RateLimiter
from rejoinder.ratelimit.base import Limit
from rejoinder.ratelimit.redis import RedisRateLimiter
from support.ports import eventually
from support.redis_server import RedisServer, SharedRedis

MakeLimiter = Callable[[], Awaitable[RateLimiter]]


@pytest.fixture(params=["memory", "redis"])
async def make_limiter(
    request: pytest.FixtureRequest, clock: FrozenClock
) -> AsyncIterator[MakeLimiter]:
    """Limiters of one backend. With Redis, each is what another process would have."""
    made: list[RateLimiter] = []

    async def make() -> RateLimiter:
        limiter: RateLimiter
        if request.param == "memory":
            limiter = MemoryRateLimiter(clock)
        else:
            shared: SharedRedis = request.getfixturevalue("shared_redis")
            limiter = RedisRateLimiter.from_url(shared.url, clock, prefix=shared.prefix)
        made.append(limiter)
        return limiter

    yield make
    for limiter in made:
        await limiter.close()


async def test_allows_the_limit_then_says_how_long_to_wait(
    make_limiter: MakeLimiter, clock: FrozenClock
) -> None:
    limiter = await make_limiter()
    assert [await limiter.hit("post:1", limit=3, window_seconds=60) for _ in range(3)] == [None] * 3
    assert await limiter.hit("post:1", limit=3, window_seconds=60) == 60
    clock.advance(seconds=20.5)
    assert await limiter.hit("post:1", limit=3, window_seconds=60) == 40  # rounded up
    assert limiter.healthy


async def test_the_window_slides_and_refusals_do_not_count(
    make_limiter: MakeLimiter, clock: FrozenClock
) -> None:
    limiter = await make_limiter()
    assert await limiter.hit("k", limit=2, window_seconds=10) is None
    clock.advance(seconds=4)
    assert await limiter.hit("k", limit=2, window_seconds=10) is None
    clock.advance(seconds=4)
    for _ in range(5):
        assert await limiter.hit("k", limit=2, window_seconds=10) == 2
    clock.advance(seconds=2)  # the first hit is exactly one window old: it no longer counts
    assert await limiter.hit("k", limit=2, window_seconds=10) is None
    assert await limiter.hit("k", limit=2, window_seconds=10) == 4


async def test_keys_are_counted_apart(make_limiter: MakeLimiter) -> None:
    limiter = await make_limiter()
    assert await limiter.hit("auth:203.0.113.7", limit=1, window_seconds=60) is None
    assert await limiter.hit("auth:203.0.113.8", limit=1, window_seconds=60) is None
    assert await limiter.hit("auth:{203.0.113.7}", limit=1, window_seconds=60) is None
    assert await limiter.hit("auth:203.0.113.7", limit=1, window_seconds=60) == 60


async def test_concurrent_hits_never_exceed_the_limit(make_limiter: MakeLimiter) -> None:
    limiter = await make_limiter()
    answers = await asyncio.gather(
        *(limiter.hit("race", limit=10, window_seconds=60) for _ in range(60))
    )
    assert answers.count(None) == 10
    assert limiter.healthy  # counted by the backend under test, not by a fall-back


async def test_several_limits_count_an_attempt_in_all_or_in_none(
    make_limiter: MakeLimiter, clock: FrozenClock
) -> None:
    """A reader's limit and their address's, in one step: a refusal by either counts in
    neither, and the wait is the longest of those refusing."""
    limiter = await make_limiter()
    reader, address = Limit("comments:1", 2, 60), Limit("writes-ip:203.0.113.9", 3, 60)
    assert await limiter.hit_all((reader, address)) is None
    clock.advance(seconds=10)
    assert await limiter.hit_all((reader, address)) is None
    assert await limiter.hit_all((reader, address)) == 50  # the reader's: 2 in the last minute
    # The refused attempt was not counted for the address: it has one slot left, not none.
    assert await limiter.hit("writes-ip:203.0.113.9", limit=3, window_seconds=60) is None
    assert await limiter.hit("writes-ip:203.0.113.9", limit=3, window_seconds=60) == 50
    clock.advance(seconds=50)  # the reader's first hit and the address's first are gone
    other = Limit("comments:2", 2, 60)
    assert await limiter.hit_all((other, address)) is None
    tight = Limit("lazy-story:site", 1, 60)
    assert await limiter.hit_all((tight,)) is None
    # The address refuses for 10 s more, the third limit for 60: the longest wait is said.
    assert await limiter.hit_all((other, address, tight)) == 60
    # ...and the reader who was allowed by their own limit was not counted there either.
    assert await limiter.hit("comments:2", limit=2, window_seconds=60) is None
    assert await limiter.hit("comments:2", limit=2, window_seconds=60) == 60
    assert limiter.healthy


async def test_concurrent_attempts_against_two_limits_never_exceed_either(
    make_limiter: MakeLimiter,
) -> None:
    limiter = await make_limiter()
    limits = (Limit("reader:race", 10, 60), Limit("address:race", 25, 60))
    answers = await asyncio.gather(*(limiter.hit_all(limits) for _ in range(40)))
    assert answers.count(None) == 10
    # The 30 refused attempts took nothing from the address: 15 slots remain there.
    alone = await asyncio.gather(
        *(limiter.hit("address:race", limit=25, window_seconds=60) for _ in range(20))
    )
    assert alone.count(None) == 15


async def test_several_limits_survive_redis_losing_its_scripts(
    shared_redis: SharedRedis, clock: FrozenClock
) -> None:
    """A restarted Redis has no scripts: the pipelined calls load it again, count once."""
    limiter = RedisRateLimiter.from_url(shared_redis.url, clock, prefix=shared_redis.prefix)
    try:
        limits = (Limit("comments:9", 2, 60), Limit("writes-ip:198.51.100.1", 2, 60))
        assert await limiter.hit_all(limits) is None
        await limiter._client.script_flush()
        assert await limiter.hit_all(limits) is None
        assert await limiter.hit_all(limits) == 60  # exactly two counted for each, not three
        assert limiter.healthy
    finally:
        await limiter.close()


async def test_two_processes_share_one_count(shared_redis: SharedRedis, clock: FrozenClock) -> None:
    one = RedisRateLimiter.from_url(shared_redis.url, clock, prefix=shared_redis.prefix)
    two = RedisRateLimiter.from_url(shared_redis.url, clock, prefix=shared_redis.prefix)
    try:
        assert await one.hit("post:7", limit=3, window_seconds=60) is None
        assert await two.hit("post:7", limit=3, window_seconds=60) is None
        assert await one.hit("post:7", limit=3, window_seconds=60) is None
        assert await two.hit("post:7", limit=3, window_seconds=60) == 60
        assert await one.hit("post:7", limit=3, window_seconds=60) == 60
        # Racing from both "processes" at once: still exactly the limit, atomically.
        answers = await asyncio.gather(
            *(
                limiter.hit("burst", limit=25, window_seconds=60)
                for _ in range(50)
                for limiter in (one, two)
            )
        )
        assert answers.count(None) == 25
        assert one.healthy
        assert two.healthy
        # One key, one hash tag: ready for Redis Cluster.
        assert {key.decode() for key in shared_redis.key_names()} == {
            f"{shared_redis.prefix}:ratelimit:{{post:7}}",
            f"{shared_redis.prefix}:ratelimit:{{burst}}",
        }
    finally:
        await one.close()
        await two.close()


async def test_a_killed_redis_degrades_to_in_process_and_recovers(
    redis_server: RedisServer, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    url = redis_server.url(3)
    limiter = RedisRateLimiter.from_url(url, clock, prefix=redis_server.prefix, timeout=0.3)
    limiter._probe_seconds = 0.05
    other = RedisRateLimiter.from_url(url, clock, prefix=redis_server.prefix, timeout=0.3)
    try:
        assert await limiter.hit("post:1", limit=2, window_seconds=60) is None
        redis_server.kill()
        with caplog.at_level(logging.INFO, logger="rejoinder.ratelimit.redis"):
            # Down: no exception, the limit still holds (counted in this process), logged once.
            answers = [await limiter.hit("post:1", limit=2, window_seconds=60) for _ in range(20)]
            assert answers[:2] == [None, None]
            assert set(answers[2:]) == {60}
            assert not limiter.healthy
            redis_server.start()
            await eventually(
                lambda: _hit_reports_healthy(limiter), within=10, what="the limiter to recover"
            )
        messages = [r.getMessage() for r in caplog.records]
        assert sum("unreachable" in m for m in messages) == 1, messages
        assert sum("reachable again" in m for m in messages) == 1, messages
        # Back on Redis: another process sees this one's hits again.
        assert await limiter.hit("fresh", limit=2, window_seconds=60) is None
        assert await limiter.hit("fresh", limit=2, window_seconds=60) is None
        assert await other.hit("fresh", limit=2, window_seconds=60) == 60
    finally:
        await limiter.close()
        await other.close()


async def _hit_reports_healthy(limiter: RedisRateLimiter) -> bool:
    await limiter.hit("probe", limit=1000, window_seconds=60)
    return limiter.healthy


async def test_a_hung_redis_costs_at_most_the_timeout(
    redis_server: RedisServer, clock: FrozenClock
) -> None:
    limiter = RedisRateLimiter.from_url(
        redis_server.url(), clock, prefix=redis_server.prefix, timeout=0.2
    )
    try:
        assert await limiter.hit("k", limit=5, window_seconds=60) is None
        redis_server.pause()
        started = time.monotonic()
        assert await limiter.hit("k", limit=5, window_seconds=60) is None
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(10):
            await limiter.hit("k", limit=5, window_seconds=60)
        rest = time.monotonic() - started
        assert first < 1.0, first
        assert rest < 0.1, rest  # degraded: no request waits for Redis any more
        assert not limiter.healthy
        redis_server.resume()
        limiter._probe_seconds = 0.05
        await eventually(lambda: _hit_reports_healthy(limiter), within=10, what="recovery")
    finally:
        await limiter.close()
