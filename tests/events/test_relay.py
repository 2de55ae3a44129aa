"""The relay: every committed event delivered in id order, across processes by reading the
log, and to durable consumers exactly once even when a batch fails half-way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text

from factories import make_comment, make_reader, make_story, record_events
from rejoinder.app import create_app, create_runtime
from rejoinder.events.base import Event
from rejoinder.events.catalogue import CommentCreated
from rejoinder.events.models import events
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Transaction

Client = httpx.AsyncClient

# A table of the test's own, where a durable consumer applies its effects.
_meta = MetaData()
seen_table = Table(
    "test_relay_seen",
    _meta,
    Column("event_id", Integer, primary_key=True),
    Column("name", String(64), nullable=False),
)


async def _create_seen_table(runtime: Runtime) -> None:
    ddl = "CREATE TABLE test_relay_seen (event_id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL)"
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(text(ddl))


class Durable:
    """Writes one row per event, in the relay's transaction; can be told to fail once."""

    name = "test-durable"

    def __init__(self) -> None:
        self.fail_on: int | None = None

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None:
        await tx.conn.execute(insert(seen_table).values(event_id=event_id, name=event.name))
        if self.fail_on is not None and event_id >= self.fail_on:
            self.fail_on = None
            raise RuntimeError("the consumer crashed mid-batch")


@contextmanager
def counted_writes(runtime: Runtime) -> Iterator[list[int]]:
    """The write transactions (``run_write``) taken meanwhile: ``[n]``."""
    writes = [0]
    real = runtime.db.run_write

    async def counted(*args: Any) -> Any:
        writes[0] += 1
        return await real(*args)

    runtime.db.run_write = counted  # type: ignore[method-assign]
    try:
        yield writes
    finally:
        runtime.db.run_write = real  # type: ignore[method-assign]


async def _seen(runtime: Runtime) -> list[int]:
    async with runtime.db.read() as conn:
        rows = await conn.execute(select(seen_table.c.event_id).order_by(seen_table.c.event_id))
        return [row.event_id for row in rows]


async def test_in_process_consumers_get_each_event_once_in_order(runtime: Runtime) -> None:
    recorder = record_events(runtime)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(5):
        await make_comment(runtime, reader, story, f"comment {n}")
    await runtime.relay.catch_up()  # reading the log again delivers nothing twice
    ids = [event_id for event_id, _ in recorder.seen]
    assert ids == sorted(set(ids))
    created = [e for e in recorder.events if isinstance(e, CommentCreated)]
    assert [e.status for e in created] == ["published"] * 5


async def test_another_process_catches_up_from_the_log(
    settings: Any, runtime: Runtime, client: Client, clock: FrozenClock
) -> None:
    """Two runtimes on one database stand for two processes without Redis: the second's
    warm cache is made honest by reading the log (its poll, or a wake-up)."""
    other = create_runtime(settings, clock=clock)
    try:
        app = create_app(settings, runtime=other)
        transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as b:
            story = await make_story(runtime)
            reader = await make_reader(runtime)
            await make_comment(runtime, reader, story, "first")
            url = f"/api/v1/sites/news/stories/{story}/comments"
            await other.relay.catch_up()  # B starts at the head of the log
            warm = (await b.get(url)).json()
            assert [c["body_html"] for c in warm["comments"]] == ["<p>first</p>"]
            await make_comment(runtime, reader, story, "second")  # through A
            stale = (await b.get(url)).json()  # B has not read the log yet
            assert len(stale["comments"]) == 1
            await other.relay.catch_up()
            fresh = (await b.get(url)).json()
            assert [c["body_html"] for c in fresh["comments"]] == ["<p>second</p>", "<p>first</p>"]
    finally:
        await other.close()


async def test_a_durable_consumer_applies_each_event_exactly_once(runtime: Runtime) -> None:
    await _create_seen_table(runtime)
    consumer = Durable()
    await runtime.relay.register_durable(consumer, from_start=False)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(3):
        await make_comment(runtime, reader, story, f"c{n}")
    async with runtime.db.read() as conn:
        first_three = [r.id for r in await conn.execute(select(events.c.id).order_by(events.c.id))]
    consumer.fail_on = first_three[-2]  # crash while applying the batch
    with pytest.raises(RuntimeError):
        await runtime.relay.run_durable(consumer)
    assert await _seen(runtime) == []  # the whole batch was rolled back, position unmoved
    assert await runtime.relay.run_durable(consumer) > 0  # "restarted": resumes
    assert await runtime.relay.run_durable(consumer) == 0  # nothing twice
    seen = await _seen(runtime)
    assert seen == sorted(seen)
    assert set(first_three) <= set(seen)
    # A second registration (a restart, or another process) keeps the position.
    await runtime.relay.register_durable(Durable(), from_start=False)
    assert await runtime.relay.run_durable(consumer) == 0
    async with runtime.db.read() as conn:
        count = (await conn.execute(select(func.count()).select_from(seen_table))).scalar_one()
    assert count == len(seen)


async def test_old_events_are_pruned_once_every_durable_consumer_read_them(
    runtime: Runtime, clock: FrozenClock
) -> None:
    from datetime import timedelta

    await _create_seen_table(runtime)
    consumer = Durable()
    await runtime.relay.register_durable(consumer, from_start=False)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    await make_comment(runtime, reader, story, "old")
    clock.advance(days=runtime.settings.events.retention_days, seconds=1)
    await make_comment(runtime, reader, story, "new")
    assert await runtime.relay.prune() == 0  # the durable consumer has not read them yet
    while await runtime.relay.run_durable(consumer):
        pass
    assert await runtime.relay.prune() == 0  # nor has the notifications consumer
    from rejoinder.notifications.service import notifier_of

    while await runtime.relay.run_durable(notifier_of(runtime).consumer):
        pass
    assert await runtime.relay.prune() > 0
    async with runtime.db.read() as conn:
        left = [row.created_at for row in await conn.execute(select(events.c.created_at))]
    assert left
    assert all(moment > clock.now() - timedelta(days=1) for moment in left)


async def test_the_loop_takes_no_write_for_a_durable_consumer_already_at_the_head(
    runtime: Runtime,
) -> None:
    """The relay's cycle runs after every commit; a durable consumer with nothing new must
    not take a write transaction for it (on SQLite: the single writer the posts need)."""
    await _create_seen_table(runtime)
    consumer = Durable()
    relay = runtime.relay
    relay._durable = []
    await relay.register_durable(consumer, from_start=False)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    await make_comment(runtime, reader, story, "first")
    with counted_writes(runtime) as writes:
        await relay._cycle()
        assert writes == [1]
        applied = await _seen(runtime)
        assert applied
        for _ in range(3):  # nothing new: no write at all
            await relay._cycle()
        assert writes == [1]
    await make_comment(runtime, reader, story, "second")
    await relay._cycle()
    assert len(await _seen(runtime)) > len(applied)  # a new event: read and applied


class Counting:
    """A durable consumer that counts what it applied (in memory: enough for the loop's
    transactions), and can be told to fail every time."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.applied: list[int] = []
        self.broken = False

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None:  # noqa: ARG002
        if self.broken:
            raise RuntimeError(f"{self.name} is broken")
        self.applied.append(event_id)


async def test_the_loop_applies_every_durable_consumer_in_one_transaction(
    runtime: Runtime,
) -> None:
    relay = runtime.relay
    relay._durable = []
    first, second = Counting("test-first"), Counting("test-second")
    for consumer in (first, second):
        await relay.register_durable(consumer, from_start=False)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(3):
        await make_comment(runtime, reader, story, f"comment {n}")
    with counted_writes(runtime) as writes:
        await relay._cycle()
    assert writes == [1]
    assert first.applied == second.applied
    assert len(first.applied) >= 3


async def test_a_failing_durable_consumer_holds_no_other_back(runtime: Runtime) -> None:
    relay = runtime.relay
    relay._durable = []
    healthy, broken = Counting("test-healthy"), Counting("test-broken")
    broken.broken = True
    for consumer in (broken, healthy):
        await relay.register_durable(consumer, from_start=False)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    await make_comment(runtime, reader, story, "one")
    await relay._cycle()
    assert len(healthy.applied) >= 1
    assert broken.applied == []
    broken.broken = False  # repaired: it resumes from where it stood, nothing lost
    await make_comment(runtime, reader, story, "two")
    await relay._cycle()
    assert broken.applied == healthy.applied
