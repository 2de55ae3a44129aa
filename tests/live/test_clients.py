"""The browser clients of the live streams: one SSE reader shared by the widget and the desk."""

from __future__ import annotations

import asyncio
from pathlib import Path

import rejoinder
from rejoinder.desk.pages import desk_bundle
from rejoinder.live.streams import Stream
from rejoinder.widget.api import widget_bundle

SRC = Path(rejoinder.__file__).parent


def test_the_desk_and_the_widget_read_streams_with_the_same_code() -> None:
    shared = (SRC / "static" / "sse.js").read_bytes()
    for bundle in (widget_bundle(), desk_bundle()):
        assert bundle.assets["sse.js"].body == shared


async def test_an_attached_stream_writes_at_once_and_queues_while_the_socket_is_full() -> None:
    """The push writes through the server's ``send`` itself; a write that must wait (flow
    control) holds the next frames in the queue, in order, until it can go on."""
    written: list[bytes] = []
    full: list[asyncio.Future[None]] = []

    async def send(data: bytes) -> None:
        if full:  # the socket's buffer is full: wait for it to drain, as uvicorn does
            await full[0]
        written.append(data)

    stream = Stream(limit=3)
    stream.begin([b"first"], floor=0, replayed=None)
    done = stream.attach(send)
    assert written == [b"first"]
    stream.push(b"a", 1)
    assert written == [b"first", b"a"]  # no task in between: written in the push itself

    full.append(asyncio.get_running_loop().create_future())
    stream.push(b"b", 2)  # this write waits
    stream.push(b"c", 3)
    stream.push(b"d", 4)
    assert written == [b"first", b"a"]
    drained = full.pop()
    drained.set_result(None)
    await asyncio.sleep(0)
    assert written == [b"first", b"a", b"b", b"cd"]  # what queued meanwhile, in one write

    stream.end(b"bye")
    await asyncio.wait_for(done, 1)
    assert written[-1] == b"bye"


async def test_an_attached_stream_that_falls_behind_is_reset_alone() -> None:
    stuck: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    written: list[bytes] = []

    async def send(data: bytes) -> None:
        written.append(data)
        await stuck

    stream = Stream(limit=2)
    stream.begin([], floor=0, replayed=None)
    stream.attach(send)
    for event_id in range(1, 5):
        stream.push(b"x", event_id)
    assert stream.closed  # overflowed: reset queued, out of the fan-out
    assert stream.queue[-1].startswith(b"id: 4\nevent: reset")
    stuck.cancel()
    await asyncio.sleep(0)
