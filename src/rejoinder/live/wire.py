"""A live stream's connection, taken over from uvicorn once the response has started.

An idle SSE stream under uvicorn costs about 10 KB of the server's memory before the app keeps
anything: the protocol object and its parser, the request/response cycle with two
``asyncio.Event``s (a deque each), the scope, the request's task and the coroutine frames of
every layer awaiting ``receive()`` (measured with an ASGI app that does nothing else: 9.9 KB
with httptools, 9.3 KB with h11). Ten thousand streams would need all of it for nothing but
waiting. So, after uvicorn has written the response's head (status, headers, chunked framing),
the stream takes the connection the way uvicorn's own WebSocket upgrade does: out of the
server's connection set, ``transport.set_protocol`` to the small :class:`Connection` below,
the cycle marked complete so that the ASGI call returns; what is left per stream is the
transport, this object and the :class:`~rejoinder.live.streams.Stream` (about 2 KB).

Frames are written with the HTTP/1.1 chunked framing uvicorn announced. One event goes to
every stream of a story as the same ``bytes`` object, so its chunk is encoded once
(:func:`chunk` remembers the last one). The socket's flow control replaces uvicorn's: while
the transport's buffer is over its high-water mark the stream queues frames (bounded: a client
that falls too far behind gets ``reset``), and flushes them when it drains.

Under any other ASGI server (or a uvicorn whose internals are not the ones known here),
:func:`server_cycle` answers ``None`` and the stream is served through ASGI as before
(``response.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

# uvicorn's HTTP/1.1 implementations whose request/response cycle we know (uvicorn 0.30-0.54).
KNOWN_CYCLES = frozenset(
    {
        "uvicorn.protocols.http.httptools_impl.RequestResponseCycle",
        "uvicorn.protocols.http.h11_impl.RequestResponseCycle",
    }
)
END = b"0\r\n\r\n"  # the last chunk: the response is complete
LINGER_SECONDS = 30.0  # a closed stream whose client does not read its last bytes is cut then


class Reader(Protocol):
    """What the connection tells its stream (``Stream``)."""

    def flush(self) -> None: ...

    def detach(self) -> None: ...


class _Memo:
    """The last chunk encoded: one event is written to every stream as the same object."""

    __slots__ = ("chunk", "data")

    def __init__(self) -> None:
        self.data = b""
        self.chunk = b""


_last = _Memo()


def chunk(data: bytes) -> bytes:
    """``data`` as one HTTP/1.1 chunk, encoded once for consecutive writes of one object."""
    memo = _last
    if data is not memo.data:
        memo.chunk = b"%x\r\n%b\r\n" % (len(data), data)
        memo.data = data
    return memo.chunk


def server_cycle(receive: Any) -> Any | None:
    """uvicorn's request/response cycle behind this ``receive``, if it is one we know."""
    cycle = getattr(receive, "__self__", None)
    kind = type(cycle)
    return cycle if f"{kind.__module__}.{kind.__qualname__}" in KNOWN_CYCLES else None


def take_over(cycle: Any, reader: Reader) -> Connection | None:
    """Take the connection from uvicorn once the response's head has been written with
    chunked framing; ``None`` when it cannot be (the client is gone, another framing)."""
    transport = cycle.transport
    if (
        not cycle.response_started
        or cycle.response_complete
        or cycle.disconnected
        or transport.is_closing()
        or getattr(cycle, "chunked_encoding", True) is not True  # httptools says; h11: 1.1
        or cycle.scope["http_version"] != "1.1"
    ):
        return None
    protocol = transport.get_protocol()
    # uvicorn neither waits for it on shutdown (the hub ends every stream first) nor times it.
    protocol.connections.discard(protocol)
    connection = Connection(transport, reader)
    transport.set_protocol(connection)
    cycle.response_complete = True  # the ASGI call returns; uvicorn writes nothing more
    if not transport.is_reading():
        transport.resume_reading()  # to see the client leave
    return connection


class Connection(asyncio.Protocol):
    """One stream's socket, after the head: chunks out, nothing expected in."""

    __slots__ = ("reader", "transport", "writable")

    def __init__(self, transport: asyncio.Transport, reader: Reader) -> None:
        self.transport = transport
        self.reader = reader
        self.writable = True

    def write(self, data: bytes) -> None:
        if data:  # an empty chunk would end the response
            self.transport.write(chunk(data))

    def finish(self) -> None:
        transport = self.transport
        if transport.is_closing():
            return
        transport.write(END)
        transport.close()  # once the buffer is written
        if not self.writable:  # a client that is not reading: do not wait for it forever
            asyncio.get_running_loop().call_later(LINGER_SECONDS, transport.abort)

    # -- asyncio's protocol -----------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        """An SSE client sends nothing after its request; whatever comes is ignored."""

    def eof_received(self) -> bool | None:
        return None  # the client closed its side: close ours (``connection_lost`` follows)

    def pause_writing(self) -> None:
        self.writable = False

    def resume_writing(self) -> None:
        self.writable = True
        self.reader.flush()

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002 - asyncio's signature
        self.reader.detach()
