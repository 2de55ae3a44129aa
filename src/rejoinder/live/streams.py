"""One open stream: a bounded queue of encoded frames, woken by the hub, read by the response.

An idle stream owns no task and allocates nothing: its response awaits one future, which the
hub resolves when it pushes a frame (an event, the hub's heartbeat, a reset). A client too
slow to keep up overflows its queue: it is sent ``reset`` and closed, and nobody else waits.

A stream whose response has read nothing for ``STALLED_TICKS`` heartbeats (a client that
stopped reading without closing, or a response that never started) is ended the same way.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable

from rejoinder.accounts.viewer import Viewer
from rejoinder.live import frames
from rejoinder.moderation.access import Scope

STALLED_TICKS = 4


class Stream:
    __slots__ = (
        "_floor",
        "_skip",
        "_stalled",
        "_waiter",
        "checked_at",
        "closed",
        "early",
        "limit",
        "on_close",
        "queue",
        "ready",
        "scope",
        "story_id",
        "token",
        "viewer",
    )

    def __init__(
        self,
        *,
        limit: int,
        story_id: int | None = None,
        viewer: Viewer | None = None,
        token: str | None = None,
        scope: Scope | None = None,
        checked_at: float = 0.0,
    ) -> None:
        self.limit = limit
        self.story_id = story_id
        self.viewer = viewer
        self.token = token
        self.scope = scope
        self.checked_at = checked_at
        self.queue: deque[bytes] = deque()
        self.early: list[tuple[int | None, bytes]] = []  # pushed before ``begin``
        self.ready = False
        self.closed = False
        self.on_close: Callable[[Stream], None] | None = None
        self._floor = 0
        self._skip: set[int] | None = None
        self._stalled = 0
        self._waiter: asyncio.Future[None] | None = None

    @property
    def account_id(self) -> int | None:
        return None if self.viewer is None else self.viewer.account_id

    def begin(self, first: list[bytes], *, floor: int, replayed: set[int] | None) -> None:
        """Start with ``first`` (retry hint, reset or replay), then what arrived meanwhile:
        events after ``floor``, and older ones only when resuming and not replayed (a commit
        that became visible late), so nothing is lost and nothing is sent twice."""
        self._floor, self._skip = floor, replayed
        self.queue.extend(first)
        self.ready = True
        early, self.early = self.early, []
        for event_id, data in early:
            self.push(data, event_id)
        self._wake()

    def push(self, data: bytes, event_id: int | None = None) -> None:
        if self.closed:
            return
        if not self.ready:
            self.early.append((event_id, data))
            return
        if event_id is not None and event_id <= self._floor:
            if self._skip is None or event_id in self._skip:
                return
        elif event_id is not None and self._skip is not None:
            self._skip = None  # past the replay: no more duplicates possible
        if len(self.queue) >= self.limit:
            self.queue.clear()
            self.end(frames.reset("overflow", event_id))
            return
        self.queue.append(data)
        self._wake()

    def heartbeat(self) -> None:
        if not self.ready or self.closed:
            return
        if self.queue:  # nothing was read since the last heartbeat
            self._stalled += 1
            if self._stalled >= STALLED_TICKS:
                self.queue.clear()
                self.end(frames.reset("stalled"))
            return
        self.queue.append(frames.HEARTBEAT)
        self._wake()

    def end(self, last: bytes | None = None) -> None:
        """Close after ``last`` (and what is queued) has been sent."""
        if self.closed:
            return
        if last is not None:
            self.queue.append(last)
        self.closed = True
        self.ready = True
        self._wake()
        if self.on_close is not None:  # out of the fan-out now, whether or not it is read
            self.on_close(self)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def chunks(self) -> AsyncIterator[bytes]:
        """The response body: whatever is queued, in one write, each time the hub wakes us."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                if self.queue:
                    data = b"".join(self.queue)
                    self.queue.clear()
                    self._stalled = 0
                    yield data
                    continue
                if self.closed:
                    return
                self._waiter = loop.create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
        finally:
            self.closed = True
            if self.on_close is not None:
                self.on_close(self)
