"""One contract for every broadcast: in-process and Redis Stream.

Every subscriber gets (the highest of) every id announced after it subscribed, its own
process's included; closing ends the iteration; announcing never raises. With Redis, the same
across two Broadcast instances (two processes), and across a Redis that is killed and started
again: announces made meanwhile still arrive, and every subscriber gets a wake-up once Redis
is back, so its relay looks at the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from rejoinder.broadcast import Broadcast, MemoryBroadcast, Subscription
from rejoinder.broadcast.redis import RedisBroadcast
from support.ports import eventually
from support.redis_server import RedisServer, SharedRedis

MakeBroadcast = Callable[[], Awaitable[Broadcast]]
FAST = {"block_seconds": 0.5, "backoff_seconds": (0.01, 0.2), "timeout": 0.3}


async def next_id(subscription: Subscription, within: float = 3.0) -> int:
    return await asyncio.wait_for(anext(subscription), within)


async def reaches(subscription: Subscription, event_id: int, within: float = 5.0) -> int:
    """Read until an id >= ``event_id`` arrives; returns how many wake-ups it took."""
    async with asyncio.timeout(within):
        wakeups = 1
        while await anext(subscription) < event_id:
            wakeups += 1
        return wakeups


async def nothing_arrives(subscription: Subscription, within: float = 0.3) -> bool:
    try:
        await asyncio.wait_for(anext(subscription), within)
    except TimeoutError:
        return True
    return False


@pytest.fixture(params=["memory", "redis"])
async def make_broadcast(request: pytest.FixtureRequest) -> AsyncIterator[MakeBroadcast]:
    made: list[Broadcast] = []

    async def make() -> Broadcast:
        broadcast: Broadcast
        if request.param == "memory":
            broadcast = MemoryBroadcast()
        else:
            shared: SharedRedis = request.getfixturevalue("shared_redis")
            broadcast = RedisBroadcast.from_url(shared.url, prefix=shared.prefix, **FAST)
        await broadcast.start()
        made.append(broadcast)
        return broadcast

    yield make
    for broadcast in made:
        await broadcast.close()


async def test_every_subscriber_gets_what_is_announced_after_it_subscribed(
    make_broadcast: MakeBroadcast,
) -> None:
    broadcast = await make_broadcast()
    await broadcast.announce(1)  # before anyone listens: nobody gets it
    subscriptions = [broadcast.subscribe() for _ in range(50)]
    for subscription in subscriptions:
        assert await nothing_arrives(subscription, within=0.01)
    await broadcast.announce(2)
    assert [await next_id(s) for s in subscriptions] == [2] * 50
    assert broadcast.healthy


async def test_a_busy_subscriber_gets_the_highest_id_once(make_broadcast: MakeBroadcast) -> None:
    broadcast = await make_broadcast()
    subscription = broadcast.subscribe()
    for event_id in (3, 4, 5):
        await broadcast.announce(event_id)
    assert await next_id(subscription) == 5
    assert await nothing_arrives(subscription)


async def test_closing_ends_the_iteration(make_broadcast: MakeBroadcast) -> None:
    broadcast = await make_broadcast()
    first, second = broadcast.subscribe(), broadcast.subscribe()
    waiting = asyncio.ensure_future(anext(first))
    await asyncio.sleep(0)
    first.close()
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(waiting, 1)
    await broadcast.announce(9)
    assert await next_id(second) == 9
    await broadcast.close()
    assert [event_id async for event_id in second] == []


async def test_a_subscriber_iterates_until_closed(make_broadcast: MakeBroadcast) -> None:
    broadcast = await make_broadcast()
    subscription = broadcast.subscribe()
    seen: list[int] = []

    async def relay() -> None:
        async for event_id in subscription:
            seen.append(event_id)
            if event_id >= 30:
                subscription.close()

    task = asyncio.create_task(relay())
    for event_id in range(1, 31):
        await broadcast.announce(event_id)
        await asyncio.sleep(0)
    await asyncio.wait_for(task, 5)
    assert seen == sorted(seen)
    assert seen[-1] == 30


async def test_two_processes_wake_each_other(shared_redis: SharedRedis) -> None:
    one = RedisBroadcast.from_url(shared_redis.url, prefix=shared_redis.prefix, **FAST)
    two = RedisBroadcast.from_url(shared_redis.url, prefix=shared_redis.prefix, **FAST)
    await one.start()
    await two.start()
    try:
        here, there = one.subscribe(), two.subscribe()
        await one.announce(11)
        assert await next_id(here) == 11
        assert await next_id(there) == 11
        assert await nothing_arrives(here)  # its own entry is not delivered twice
        await two.announce(12)
        assert await next_id(here) == 12
        assert await next_id(there) == 12
        # A burst from both sides while the readers are busy: nothing is lost, the last
        # wake-up each subscriber gets is the highest id.
        await asyncio.gather(*(b.announce(n) for n in range(13, 400) for b in (one, two)))
        assert await reaches(here, 399) >= 1
        assert await reaches(there, 399) >= 1
        assert [key.decode() for key in shared_redis.key_names()] == [
            f"{{{shared_redis.prefix}:broadcast}}:events"
        ]
    finally:
        await one.close()
        await two.close()


async def test_no_wake_up_is_lost_across_a_redis_restart(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    url = redis_server.url(2)
    one = RedisBroadcast.from_url(url, prefix=redis_server.prefix, **FAST)
    two = RedisBroadcast.from_url(url, prefix=redis_server.prefix, **FAST)
    await one.start()
    await two.start()
    try:
        listeners = [two.subscribe() for _ in range(3)]
        local = one.subscribe()
        await one.announce(1)
        assert [await next_id(s) for s in listeners] == [1, 1, 1]
        assert await next_id(local) == 1

        with caplog.at_level(logging.INFO, logger="rejoinder.broadcast.redis"):
            redis_server.kill()
            for event_id in (2, 3, 4):
                await one.announce(event_id)  # never raises
            assert await next_id(local) == 4  # this process's own relay is still woken
            await eventually(lambda: not one.healthy and not two.healthy)
            redis_server.start()
            # What was announced while Redis was away arrives once it is back...
            for subscription in listeners:
                await reaches(subscription, 4, within=10)
            # ...and every subscriber gets a wake-up after the reconnect, announce or not.
            assert await next_id(local, within=10) >= 0
            await eventually(lambda: one.healthy and two.healthy)
        warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
        assert {r.name for r in warnings} == {"rejoinder.broadcast.redis"}
        assert len(warnings) <= 2, [r.getMessage() for r in warnings]  # once per instance

        await two.announce(5)
        assert await next_id(local) == 5
    finally:
        await one.close()
        await two.close()


async def test_every_subscriber_is_woken_when_redis_returns(redis_server: RedisServer) -> None:
    broadcast = RedisBroadcast.from_url(redis_server.url(), prefix=redis_server.prefix, **FAST)
    await broadcast.start()
    try:
        subscriptions = [broadcast.subscribe() for _ in range(5)]
        redis_server.kill()
        await eventually(lambda: not broadcast.healthy)
        redis_server.start()
        for subscription in subscriptions:
            await next_id(subscription, within=10)
        await eventually(lambda: broadcast.healthy)
    finally:
        await broadcast.close()


async def test_start_does_not_fail_when_redis_is_down(redis_server: RedisServer) -> None:
    redis_server.kill()
    broadcast = RedisBroadcast.from_url(redis_server.url(), prefix=redis_server.prefix, **FAST)
    await broadcast.start()
    try:
        subscription = broadcast.subscribe()
        assert not broadcast.healthy
        await broadcast.announce(1)  # returns at once: Redis is not waited for
        assert await next_id(subscription) == 1
        redis_server.start()
        await eventually(lambda: broadcast.healthy)
        assert await reaches(subscription, 1, within=10) >= 1  # the reconnect wake-up
    finally:
        await broadcast.close()


async def test_idle_subscribers_cost_no_task(make_broadcast: MakeBroadcast) -> None:
    broadcast = await make_broadcast()
    tasks_before = len(asyncio.all_tasks())
    subscriptions = [broadcast.subscribe() for _ in range(10_000)]
    assert len(asyncio.all_tasks()) == tasks_before
    await broadcast.announce(77)
    assert {await next_id(s) for s in subscriptions} == {77}
    assert len(asyncio.all_tasks()) == tasks_before


async def test_a_hung_redis_never_delays_an_announce(redis_server: RedisServer) -> None:
    one = RedisBroadcast.from_url(redis_server.url(), prefix=redis_server.prefix, **FAST)
    two = RedisBroadcast.from_url(redis_server.url(), prefix=redis_server.prefix, **FAST)
    await one.start()
    await two.start()
    try:
        here, there = one.subscribe(), two.subscribe()
        redis_server.pause()
        started = time.monotonic()
        for event_id in range(1, 51):
            await one.announce(event_id)
        assert time.monotonic() - started < 0.05  # the commit path never waits on Redis
        assert await next_id(here) == 50
        redis_server.resume()
        await reaches(there, 50, within=10)
    finally:
        await one.close()
        await two.close()


async def test_a_wake_up_crosses_processes_well_within_100_ms(shared_redis: SharedRedis) -> None:
    """What cross-process page-cache invalidation rides on: each process's relay is woken."""
    one = RedisBroadcast.from_url(shared_redis.url, prefix=shared_redis.prefix, **FAST)
    two = RedisBroadcast.from_url(shared_redis.url, prefix=shared_redis.prefix, **FAST)
    await one.start()
    await two.start()
    try:
        there = two.subscribe()
        delays = []
        for event_id in range(1, 31):
            started = time.monotonic()
            await one.announce(event_id)
            assert await next_id(there) == event_id
            delays.append(time.monotonic() - started)
        assert sorted(delays)[len(delays) // 2] < 0.1, delays
    finally:
        await one.close()
        await two.close()
