"""The Redis limiter inside the real app: counts shared by two runtimes, no 5xx when Redis dies.

Until ``create_runtime`` picks the limiter from ``[redis]``, the tests put it on the runtime
themselves; the assertions are about what readers see through HTTP.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from factories import make_reader, make_story
from rejoinder.app import create_app, create_runtime
from rejoinder.kernel.clock import FrozenClock
from rejoinder.ratelimit.redis import RedisRateLimiter
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from support.redis_server import RedisServer, SharedRedis


def url(story: str) -> str:
    return f"/api/v1/sites/news/stories/{story}/comments"


@pytest.fixture
async def other_process(settings: Settings, clock: FrozenClock) -> AsyncIterator[Runtime]:
    """A second runtime on the same database: what another process would hold."""
    runtime = create_runtime(settings, clock=clock)
    try:
        yield runtime
    finally:
        await runtime.db.close()


def http(runtime: Runtime) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(
        app=create_app(runtime.settings, runtime=runtime), client=("203.0.113.7", 40000)
    )
    return httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test")


async def test_a_readers_posts_through_two_processes_count_once(
    runtime: Runtime, other_process: Runtime, shared_redis: SharedRedis, clock: FrozenClock
) -> None:
    for each in (runtime, other_process):
        each.limiter = RedisRateLimiter.from_url(
            shared_redis.url, clock, prefix=shared_redis.prefix
        )
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    limit = runtime.settings.comments.rate_limit_count
    async with http(runtime) as one, http(other_process) as two:
        statuses = [
            (
                await (one, two)[n % 2].post(
                    url(story), json={"body": f"n{n}"}, headers=reader.headers
                )
            ).status_code
            for n in range(limit + 2)
        ]
    assert statuses == [201] * limit + [429, 429]
    for each in (runtime, other_process):
        await each.limiter.close()


async def test_posts_are_accepted_and_limited_while_redis_is_down(
    runtime: Runtime, client: httpx.AsyncClient, redis_server: RedisServer, clock: FrozenClock
) -> None:
    limiter = RedisRateLimiter.from_url(redis_server.url(), clock, prefix=redis_server.prefix)
    runtime.limiter = limiter
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    limit = runtime.settings.comments.rate_limit_count
    before = [
        (
            await client.post(url(story), json={"body": f"up {n}"}, headers=reader.headers)
        ).status_code
        for n in range(3)
    ]
    redis_server.kill()
    during = [
        await client.post(url(story), json={"body": f"down {n}"}, headers=reader.headers)
        for n in range(limit + 1)
    ]
    assert before == [201] * 3
    # Redis away: no 5xx; this process counts on its own from then on, and still limits.
    assert [r.status_code for r in during] == [201] * limit + [429]
    assert during[-1].json()["code"] == "rate_limited"
    assert not limiter.healthy
    page = await client.get(url(story))
    assert page.status_code == 200
    assert page.json()["story"]["comment_count"] == 3 + limit
    await limiter.close()
