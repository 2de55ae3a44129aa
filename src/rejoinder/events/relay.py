"""The relay: the only publisher of events, reading the log in id order after commit.

In one process the relay is handed each transaction's events as it commits and delivers them
at once (so a writer reads its own writes from every cache). Events committed by other
processes arrive by reading the log from the relay's position: woken through the broadcast
(Redis) when there is one, and by a slow poll in any case, so a lost wake-up or a process
that died between its commit and its announcement delays an event but never loses it.

Two kinds of consumers:

- in-process consumers (page cache, viewer cache, live streams) keep state that dies with
  the process; they start at the log's head and see every later event once, in order;
- durable consumers (notifications, webhooks, section protection) keep a position in
  ``consumer_positions`` and apply each batch in one transaction with the move of their
  position: after a crash they resume where they stopped, and no effect is applied twice.

The loop applies every durable consumer that is behind in **one** write transaction per
cycle (each from its own position; a failure in it rolls back all of them, and that cycle is
then applied one consumer per transaction, so one failing consumer holds no other back).
After a local commit it waits ``coalesce_seconds`` before the cycle, so that a burst of posts
becomes one durable transaction instead of one per post per consumer: on SQLite every write
transaction takes the single writer from the posts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.events.base import Event
from rejoinder.events.catalogue import decode
from rejoinder.events.models import consumer_positions, events
from rejoinder.kernel.clock import Clock
from rejoinder.storage.database import Connection, Database, Transaction
from rejoinder.storage.statements import defined

log = logging.getLogger(__name__)

HEAD = defined(select(func.max(events.c.id)))
AFTER = defined(
    select(events.c.id, events.c.payload)
    .where(events.c.id > bindparam("after"))
    .order_by(events.c.id)
    .limit(bindparam("size"))
)
POSITION = defined(
    select(consumer_positions.c.position)
    .where(consumer_positions.c.consumer == bindparam("consumer"))
    .with_for_update()
)
MOVE = defined(
    update(consumer_positions)
    .where(consumer_positions.c.consumer == bindparam("consumer"))
    .values(position=bindparam("position"), updated_at=bindparam("now"))
)


SLOWEST = defined(select(func.min(consumer_positions.c.position)))
PRUNE = defined(
    delete(events).where(
        events.c.created_at < bindparam("before"), events.c.id <= bindparam("below")
    )
)
PRUNE_EVERY = timedelta(hours=1)
MAX_ID = 2**62


class Consumer(Protocol):
    """An in-process consumer. ``handle`` must be idempotent by ``event_id`` and must not
    raise (one that does is logged; the others still run)."""

    async def handle(self, event_id: int, event: Event) -> None: ...


class DurableConsumer(Protocol):
    """A consumer with a position of its own; ``apply`` runs in the transaction that moves it."""

    name: str

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None: ...


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[int]: ...

    def close(self) -> None: ...


class Broadcast(Protocol):
    """Wake-ups across processes (``rejoinder.broadcast``): event ids, at least the newest."""

    @property
    def healthy(self) -> bool: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def announce(self, event_id: int) -> None: ...

    def subscribe(self) -> Subscription: ...


def _decoded(payload: str) -> Event | None:
    try:
        return decode(payload)
    except Exception:  # an event from a newer release, or a damaged row: skip it, loudly
        log.exception("cannot decode an event from the log; skipped")
        return None


class Relay:
    def __init__(
        self,
        clock: Clock,
        *,
        poll_seconds: float = 1.0,
        batch: int = 500,
        retention: timedelta = timedelta(days=7),
        coalesce_seconds: float = 0.02,
    ) -> None:
        self._clock = clock
        self._coalesce = coalesce_seconds
        self._retention = retention
        self._pruned_at: datetime | None = None
        self._db: Database | None = None
        self._broadcast: Broadcast | None = None
        self._consumers: list[Consumer] = []
        self._durable: list[DurableConsumer] = []
        # Where each durable consumer stood after its last batch here: the loop skips the
        # write transaction of a consumer that has already read up to the log's head.
        self._applied: dict[str, int] = {}
        self._position: int | None = None
        self._lock = asyncio.Lock()
        self._poll_seconds = poll_seconds
        self._batch = batch
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def attach(self, db: Database, broadcast: Broadcast | None = None) -> None:
        self._db = db
        self._broadcast = broadcast

    def add(self, consumer: Consumer) -> None:
        self._consumers.append(consumer)

    def add_durable(self, consumer: DurableConsumer) -> None:
        self._durable.append(consumer)

    @property
    def position(self) -> int | None:
        """The id of the last event delivered to the in-process consumers."""
        return self._position

    def _database(self) -> Database:
        assert self._db is not None, "the relay is not attached to a database"
        return self._db

    # -- after a commit in this process ---------------------------------------------------

    async def committed(self, ids: list[int], items: list[Any]) -> None:
        """Deliver a transaction's events now; then tell the other processes."""
        if not ids:
            return
        try:
            async with self._lock:
                if self._position is None:
                    self._position = ids[0] - 1
                if ids[0] == self._position + 1 and ids == list(range(ids[0], ids[-1] + 1)):
                    for event_id, event in zip(ids, items, strict=True):
                        await self._deliver(event_id, event)
                elif ids[-1] > self._position:
                    await self._catch_up_locked()
        except Exception:  # the change is committed: never fail the request for its echo
            log.exception("relay: delivering committed events failed; the poll will retry")
        if self._durable:
            self._wake.set()
        if self._broadcast is not None:
            await self._broadcast.announce(ids[-1])

    async def _deliver(self, event_id: int, event: Event) -> None:
        for consumer in self._consumers:
            try:
                await consumer.handle(event_id, event)
            except Exception:
                log.exception("event consumer failed", extra={"event_id": event_id})
        self._position = event_id

    # -- reading the log --------------------------------------------------------------------

    async def head(self) -> int:
        async with self._database().read() as conn:
            return int((await conn.execute(HEAD)).scalar() or 0)

    async def catch_up(self) -> None:
        """Deliver every committed event after our position (other processes' included)."""
        async with self._lock:
            await self._catch_up_locked()

    async def _catch_up_locked(self) -> None:
        if self._position is None:
            self._position = await self.head()
            return
        while True:
            async with self._database().read() as conn:
                rows = (
                    await conn.execute(AFTER, {"after": self._position, "size": self._batch})
                ).all()
            for row in rows:
                event = _decoded(row.payload)
                if event is None:
                    self._position = row.id
                else:
                    await self._deliver(row.id, event)
            if len(rows) < self._batch:
                return

    async def run_durable(self, consumer: DurableConsumer) -> int:
        """Apply the next batch of events to ``consumer``; the number applied."""
        count, position = await self._database().run_write(self._durable_batch, consumer, {})
        self._applied[consumer.name] = position  # committed: the loop may rely on it
        return int(count)

    async def run_durables(self, consumers: list[DurableConsumer]) -> list[int]:
        """Apply the next batch of events to each of ``consumers`` in one transaction; the
        number applied to each."""
        done = await self._database().run_write(self._durable_batches, consumers)
        for consumer, (_, position) in zip(consumers, done, strict=True):
            self._applied[consumer.name] = position
        return [int(count) for count, _ in done]

    async def _durable_batches(
        self, tx: Transaction, consumers: list[DurableConsumer]
    ) -> list[tuple[int, int]]:
        read: dict[int, list[Any]] = {}  # consumers at the same position read the log once
        return [await self._durable_batch(tx, consumer, read) for consumer in consumers]

    async def _durable_batch(
        self, tx: Transaction, consumer: DurableConsumer, read: dict[int, list[Any]]
    ) -> tuple[int, int]:
        conn = tx.conn
        found = (await conn.execute(POSITION, {"consumer": consumer.name})).first()
        if found is None:
            raise LookupError(f"durable consumer {consumer.name!r} has no position row")
        position = int(found.position)
        rows = read.get(position)
        if rows is None:
            rows = read[position] = [
                (row.id, _decoded(row.payload))
                for row in (
                    await conn.execute(AFTER, {"after": position, "size": self._batch})
                ).all()
            ]
        for event_id, event in rows:
            if event is not None:
                await consumer.apply(tx, event_id, event)
            position = event_id
        if rows:
            await conn.execute(
                MOVE, {"consumer": consumer.name, "position": position, "now": self._clock.now()}
            )
        return len(rows), position

    async def register_durable(self, consumer: DurableConsumer, *, from_start: bool) -> None:
        """Give ``consumer`` a position row (the log's head, or 0 to read it all) if it has none."""
        start = 0 if from_start else await self.head()
        try:
            async with self._database().transaction() as tx:
                await _insert_position(tx.conn, consumer.name, start, self._clock)
        except IntegrityError:
            pass  # it has one already (or another process just made it)
        self.add_durable(consumer)

    async def prune(self) -> int:
        """Delete events older than the retention that every durable consumer has read."""
        now = self._clock.now()
        async with self._database().transaction() as tx:
            oldest = (await tx.conn.execute(SLOWEST)).scalar()
            params = {
                "before": now - self._retention,
                "below": oldest if oldest is not None else MAX_ID,
            }
            result = await tx.conn.execute(PRUNE, params)
        return max(result.rowcount, 0)

    # -- the background loop ----------------------------------------------------------------

    @property
    def broadcast(self) -> Broadcast | None:
        return self._broadcast

    async def start(self) -> None:
        if self._task is not None:
            return
        if self._broadcast is not None:
            await self._broadcast.start()
        async with self._lock:
            if self._position is None:
                self._position = await self.head()
        self._task = asyncio.create_task(self._run(), name="rejoinder-relay")

    async def _run(self) -> None:
        subscription = self._broadcast.subscribe() if self._broadcast is not None else None
        wakeups = aiter(subscription) if subscription is not None else None
        waiter: asyncio.Task[Any] | None = None
        try:
            while True:
                await self._cycle()
                if wakeups is not None and waiter is None:
                    waiter = asyncio.ensure_future(anext(wakeups))
                sleeper = asyncio.ensure_future(self._wake.wait())
                pending = {t for t in (waiter, sleeper) if t is not None}
                done, _ = await asyncio.wait(
                    pending, timeout=self._poll_seconds, return_when=asyncio.FIRST_COMPLETED
                )
                if sleeper in done and self._coalesce > 0:
                    await asyncio.sleep(self._coalesce)  # let a burst of commits gather
                self._wake.clear()
                sleeper.cancel()
                if waiter is not None and waiter in done:
                    waiter = None
        finally:
            if waiter is not None:
                waiter.cancel()
            if subscription is not None:
                subscription.close()

    async def _cycle(self) -> None:
        try:
            await self.catch_up()
            await self._run_durables()
            now = self._clock.now()
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                self._pruned_at = now
                await self.prune()
        except Exception:  # the database is away: keep the position, try again next cycle
            log.warning("relay: reading the event log failed; retrying", exc_info=True)

    async def _run_durables(self) -> None:
        head = self._position
        # Nothing new since its last batch: no write transaction (on SQLite each one takes
        # the single writer from the posts).
        due = [
            consumer
            for consumer in self._durable
            if head is None or self._applied.get(consumer.name, -1) < head
        ]
        while due:
            try:
                counts = await self.run_durables(due)
            except Exception:
                log.warning(
                    "relay: applying the durable consumers together failed; one at a time",
                    exc_info=True,
                )
                await self._run_durables_apart(due)
                return
            due = [c for c, count in zip(due, counts, strict=True) if count >= self._batch]

    async def _run_durables_apart(self, consumers: list[DurableConsumer]) -> None:
        for consumer in consumers:
            try:
                while await self.run_durable(consumer) >= self._batch:
                    pass
            except Exception:  # its position stays: the next cycle tries it again
                log.exception("relay: the durable consumer %r failed", consumer.name)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._broadcast is not None:
            await self._broadcast.close()


async def _insert_position(conn: Connection, name: str, position: int, clock: Clock) -> None:
    await conn.execute(
        insert(consumer_positions).values(consumer=name, position=position, updated_at=clock.now())
    )
