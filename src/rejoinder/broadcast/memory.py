"""In-process fan-out: one process, or each process's local side of the Redis broadcast.

No task or queue per subscriber: a subscription is a slot holding the highest id not yet
taken and, only while someone awaits it, one future. An idle subscriber costs one small
object, and announcing is a loop over the slots.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class MemorySubscription:
    __slots__ = ("_closed", "_fanout", "_pending", "_waiter")

    def __init__(self, fanout: Fanout) -> None:
        self._fanout = fanout
        self._pending: int | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._closed = False

    def __aiter__(self) -> MemorySubscription:
        return self

    async def __anext__(self) -> int:
        while self._pending is None:
            if self._closed:
                raise StopAsyncIteration
            waiter = asyncio.get_running_loop().create_future()
            self._waiter = waiter
            try:
                await waiter
            finally:
                self._waiter = None
        if self._closed:
            raise StopAsyncIteration
        event_id, self._pending = self._pending, None
        return event_id

    def deliver(self, event_id: int) -> None:
        """Keep the highest id not yet taken and wake the reader (never blocks)."""
        if self._pending is None or event_id > self._pending:
            self._pending = event_id
        self._wake()

    def close(self) -> None:
        self._closed = True
        self._fanout.discard(self)
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __enter__(self) -> MemorySubscription:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()


class Fanout:
    """This process's subscribers. Call from the event loop's thread only."""

    def __init__(self) -> None:
        self._subscribers: set[MemorySubscription] = set()

    def subscribe(self) -> MemorySubscription:
        subscription = MemorySubscription(self)
        self._subscribers.add(subscription)
        return subscription

    def discard(self, subscription: MemorySubscription) -> None:
        self._subscribers.discard(subscription)

    def deliver(self, event_id: int) -> None:
        for subscription in self._subscribers:
            subscription.deliver(event_id)

    def __len__(self) -> int:
        return len(self._subscribers)

    def close(self) -> None:
        for subscription in list(self._subscribers):
            subscription.close()


class MemoryBroadcast:
    """The embedded default: wake-ups reach this process's subscribers only."""

    def __init__(self) -> None:
        self._fanout = Fanout()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._fanout.close()

    async def announce(self, event_id: int) -> None:
        self._fanout.deliver(event_id)

    def subscribe(self) -> MemorySubscription:
        return self._fanout.subscribe()

    @property
    def healthy(self) -> bool:
        return True
