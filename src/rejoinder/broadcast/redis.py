"""Wake-ups across processes through a Redis Stream, with our own reconnect loop.

``announce(N)`` wakes this process's subscribers at once (in memory: the process's own relay
never waits on Redis) and hands ``N`` to a sender task that appends it to one stream
(``XADD … MAXLEN ~``); ids announced while an XADD is in flight are sent as one, the highest,
so a commit never waits on Redis and a burst costs a few round trips. One reader task
per process blocks on ``XREAD`` from the last entry it read and hands other processes' ids to
the local fan-out, so an entry added while the reader was busy, or while its connection was
being re-established, is still read: nothing is lost while Redis is up.

Why not pub/sub: a message published while a subscriber reconnects is gone, and redis-py's
pub/sub does not reliably reconnect. Here a broken connection makes the reader back off
(exponential, jittered), reconnect, and then give every local subscriber one wake-up, since
entries may have been lost with a restarted Redis and their relays must look at the database.
An XADD that fails is kept (the highest id) and retried with the same back-off until Redis
answers, so other processes learn of it even if nothing else is announced.

Keys: one stream, ``{<prefix>:broadcast}:events``; the hash tag keeps whatever joins it
later (per-story streams for live updates) in one Redis Cluster slot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
from typing import Any

from redis.asyncio import Redis

from rejoinder.broadcast.memory import Fanout, MemorySubscription
from rejoinder.kernel.redis import REDIS_FAILURES, Availability, open_redis

log = logging.getLogger(__name__)


class RedisBroadcast:
    """A Redis Stream carrying event ids between the processes sharing ``prefix``."""

    def __init__(
        self,
        client: Redis,
        reader: Redis,
        *,
        prefix: str = "rejoinder",
        max_length: int = 10_000,
        block_seconds: float = 5.0,
        backoff_seconds: tuple[float, float] = (0.05, 5.0),
    ) -> None:
        """``client`` sends, ``reader`` blocks in XREAD: its socket timeout must exceed
        ``block_seconds`` (``from_url`` arranges it)."""
        self.stream = f"{{{prefix}:broadcast}}:events"
        self._client = client
        self._reader = reader
        self._max_length = max_length
        self._block_ms = max(1, round(block_seconds * 1000))
        self._backoff = backoff_seconds
        self._fanout = Fanout()
        self._origin = os.urandom(8).hex().encode()
        self._availability = Availability("event broadcast", log)
        self._reading = False  # the reader's connection is up
        self._unsent: int | None = None  # highest id announced and not yet in the stream
        self._send = asyncio.Event()  # set when _unsent has something for the sender
        self._highest = 0  # highest id seen, announced here or read
        self._position: bytes | None = None  # last stream entry read
        self._reader_task: asyncio.Task[None] | None = None
        self._sender_task: asyncio.Task[None] | None = None
        self._closed = False

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        prefix: str = "rejoinder",
        timeout: float = 0.5,
        max_length: int = 10_000,
        block_seconds: float = 5.0,
        backoff_seconds: tuple[float, float] = (0.05, 5.0),
    ) -> RedisBroadcast:
        return cls(
            open_redis(url, timeout=timeout, name=f"{prefix}-broadcast"),
            open_redis(url, timeout=timeout + block_seconds, name=f"{prefix}-broadcast-reader"),
            prefix=prefix,
            max_length=max_length,
            block_seconds=block_seconds,
            backoff_seconds=backoff_seconds,
        )

    @property
    def healthy(self) -> bool:
        return self._availability.healthy

    def subscribe(self) -> MemorySubscription:
        return self._fanout.subscribe()

    async def start(self) -> None:
        """Connect once (so that what others announce from now on is read), then read in a
        task. A Redis that is down now is retried by that task, not raised."""
        if self._reader_task is not None:
            return
        connected = await self._connect()
        self._reader_task = asyncio.create_task(
            self._read_forever(connected), name="broadcast-redis-reader"
        )
        self._sender_task = asyncio.create_task(self._send_forever(), name="broadcast-redis-sender")

    async def announce(self, event_id: int) -> None:
        self._highest = max(self._highest, event_id)
        self._fanout.deliver(event_id)
        self._unsent = max(self._unsent or 0, event_id)
        self._send.set()

    async def close(self) -> None:
        self._closed = True
        for task in (self._reader_task, self._sender_task):
            # A cancel that lands as redis-py's own read timeout fires is turned into a
            # TimeoutError (asyncio.timeout on Python 3.11): the loops see _closed then, and
            # the cancel is repeated until the task has ended.
            while task is not None and not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=0.1)
        self._reader_task = self._sender_task = None
        self._fanout.close()
        await self._client.aclose()
        await self._reader.aclose()

    async def _xadd(self, event_id: int) -> None:
        await self._client.xadd(
            self.stream,
            {"id": event_id, "origin": self._origin},
            maxlen=self._max_length,
            approximate=True,
        )

    async def _connect(self) -> bool:
        """Reach Redis on the reader's connection; on the first success, learn where the
        stream ends (so history is not replayed as news)."""
        try:
            if self._position is None:
                last = await self._reader.xrevrange(self.stream, count=1)
                newest = last[0][0] if last else None
                self._position = newest if isinstance(newest, bytes) else b"0-0"
            else:
                await self._reader.ping()
        except REDIS_FAILURES as error:
            self._reading = False
            self._availability.failed(error, "wake-ups reach this process only")
            return False
        self._reading = True
        self._update_health()
        return True

    async def _read_forever(self, connected: bool) -> None:
        attempt = 0
        while not self._closed:
            if not connected:
                attempt += 1
                await asyncio.sleep(self._delay(attempt))
                connected = await self._connect()
                if not connected:
                    continue
                attempt = 0
                # Entries may have been lost (a restarted Redis keeps nothing) or announced
                # by no one (a process died): every local relay looks at the database.
                self._fanout.deliver(self._highest)
            try:
                replies = await self._reader.xread(
                    {self.stream: self._position or b"0-0"}, count=1000, block=self._block_ms
                )
            except REDIS_FAILURES as error:
                self._reading = False
                self._availability.failed(error, "wake-ups reach this process only")
                connected = False
                continue
            self._take(replies)

    def _take(self, replies: Any) -> None:
        # [[stream, [(entry id, {field: value}), ...]]] (RESP2, bytes: from_url decodes nothing)
        newest: int | None = None
        for _stream, entries in replies or ():
            for entry_id, fields in entries:
                self._position = entry_id
                if fields.get(b"origin") == self._origin:
                    continue  # delivered locally when announced
                try:
                    event_id = int(fields[b"id"])
                except (KeyError, ValueError):
                    log.warning("event broadcast: ignoring a malformed entry %r", entry_id)
                    continue
                newest = event_id if newest is None else max(newest, event_id)
        if newest is not None:
            self._highest = max(self._highest, newest)
            self._fanout.deliver(newest)

    async def _send_forever(self) -> None:
        attempt = 0
        while not self._closed:
            await self._send.wait()
            self._send.clear()
            unsent = self._unsent
            if unsent is None:
                continue
            try:
                await self._xadd(unsent)
            except REDIS_FAILURES as error:
                self._availability.failed(error, "wake-ups reach this process only")
                attempt += 1
                await asyncio.sleep(self._delay(attempt))
                self._send.set()  # retry, with whatever is the highest id by then
                continue
            attempt = 0
            if self._unsent == unsent:
                self._unsent = None
            self._update_health()

    def _delay(self, attempt: int) -> float:
        low, high = self._backoff
        ceiling = min(high, low * 2 ** min(attempt - 1, 30))
        # Jitter so that every process does not reconnect in the same millisecond.
        return random.uniform(ceiling / 2, ceiling)  # noqa: S311 (timing, not secrets)

    def _update_health(self) -> None:
        if self._reading and self._unsent is None:
            self._availability.recovered()
