"""One open stream: a bounded queue of encoded frames, woken by the hub, read by the response.

An idle stream owns no task and allocates nothing: its response awaits one future, which the
hub resolves when it pushes a frame (an event, the hub's heartbeat, a reset). A client too
slow to keep up overflows its queue: it is sent ``reset`` and closed, and nobody else waits.

A stream whose response has read nothing for ``STALLED_TICKS`` heartbeats (a client that
stopped reading without closing, or a response that never started) is ended the same way.

Under uvicorn the stream is handed the connection itself (``wire.py``): a push is one
``transport.write`` of bytes encoded once for every stream, and the socket's own flow control
(``pause_writing``) holds frames back in the queue. Under any other server the HTTP response
(``response.py``) *attaches* a writer instead: from then on a push writes the frame at once,
by stepping the writer's coroutine (the server's ``send``) right there. A write the socket
takes completes in that step; one that must wait (a full socket buffer) resumes when the
future it waits for is done, and frames queue meanwhile (bounded, as above). Waking ten
thousand response tasks for one comment cost more than the ten thousand writes themselves.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol

from rejoinder.accounts.viewer import Viewer
from rejoinder.live import frames
from rejoinder.moderation.access import Scope

STALLED_TICKS = 4
Writer = Callable[[bytes], Coroutine[Any, Any, None]]


class Wire(Protocol):
    """A connection the stream writes to itself (``wire.Connection``)."""

    @property
    def writable(self) -> bool:
        """False while the socket's buffer is full: frames wait in the queue meanwhile."""
        ...

    def write(self, data: bytes) -> None: ...

    def finish(self) -> None:
        """The last frame is written: end the response and close the connection."""
        ...


class Stream:
    __slots__ = (
        "_busy",
        "_done",
        "_floor",
        "_skip",
        "_stalled",
        "_waiter",
        "_wire",
        "_writer",
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
        self.queue: list[bytes] = []  # an empty list is 56 bytes, an empty deque 600
        self.early: list[tuple[int | None, bytes]] = []  # pushed before ``begin``
        self.ready = False
        self.closed = False
        self.on_close: Callable[[Stream], None] | None = None
        self._floor = 0
        self._skip: set[int] | None = None
        self._stalled = 0
        self._waiter: asyncio.Future[None] | None = None
        self._writer: Writer | None = None
        self._wire: Wire | None = None
        self._done: asyncio.Future[None] | None = None
        self._busy = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.chunks()

    @property
    def on_wire(self) -> bool:
        """Writing to a connection of its own (``wire.py``), not through an ASGI response."""
        return self._wire is not None

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
        wire = self._wire
        if wire is not None and not self.queue and wire.writable:
            self._stalled = 0
            wire.write(data)  # the common case: no list, no join, straight to the socket
            return
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
        if self._wire is not None:
            self.flush()
            return
        if self._writer is not None:
            self._drive()
            return
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- writing straight from the push (see the module's docstring) ---------------------------

    def attach_wire(self, wire: Wire) -> None:
        """Write to ``wire`` from now on, starting with what is queued."""
        self._wire = wire
        self.flush()

    def flush(self) -> None:
        """Called again by the wire when its socket takes bytes again (``resume_writing``)."""
        wire = self._wire
        if wire is None:
            return
        queue = self.queue
        # A closing stream writes its last frames even to a full socket (bounded: the queue's
        # limit and a reset); the wire gives a client that never reads them a deadline.
        if queue and (wire.writable or self.closed):
            data = queue[0] if len(queue) == 1 else b"".join(queue)
            queue.clear()
            self._stalled = 0
            wire.write(data)
        if self.closed:
            self._wire = None
            wire.finish()

    def attach(self, writer: Writer) -> asyncio.Future[None]:
        """Write every frame with ``writer`` from now on; the future is done once the stream
        has closed and its last frame is written."""
        self._writer = writer
        self._done = asyncio.get_running_loop().create_future()
        self._drive()
        return self._done

    def detach(self) -> None:
        """The response is over (finished, cancelled or failed) or the connection was lost:
        out of the fan-out."""
        self._writer = None
        self._wire = None
        self.queue.clear()
        self.closed = True
        if self.on_close is not None:
            self.on_close(self)

    def _drive(self) -> None:
        writer = self._writer
        while writer is not None and self.queue and not self._busy:
            data = b"".join(self.queue)
            self.queue.clear()
            self._stalled = 0
            self._step(writer(data))
        if self.closed and not self._busy and not self.queue:
            done = self._done
            if done is not None and not done.done():
                done.set_result(None)

    def _step(self, write: Coroutine[Any, Any, None]) -> None:
        self._busy = True
        try:
            waiting = write.send(None)
        except StopIteration:
            self._busy = False
            return
        except (Exception, asyncio.CancelledError):  # noqa: BLE001 - gone: this stream ends alone
            self._busy = False
            self.queue.clear()
            self.closed = True
            return
        if waiting is None:  # a bare yield (sleep(0)): go on at the next loop iteration
            asyncio.get_running_loop().call_soon(self._resume, write)
            return
        # What asyncio.Task does with the future a coroutine awaits (the asyncio protocol).
        waiting._asyncio_future_blocking = False  # noqa: SLF001
        waiting.add_done_callback(lambda _: self._resume(write))

    def _resume(self, write: Coroutine[Any, Any, None]) -> None:
        self._step(write)
        if not self._busy:
            self._drive()  # what was queued while the write waited

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
