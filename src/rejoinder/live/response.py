"""The HTTP response of a live stream: lean, because ten thousand of them stay open.

Litestar's ``Stream`` runs each response in an anyio task group with a second task that
listens for the disconnect, wakes the response's task for every frame, and the app's
compression would give every stream a brotli compressor of its own (browsers send
``Accept-Encoding: br``). Ours hands the server's ``send`` to the stream, which writes each
frame as it is pushed (``streams.py``), and keeps one small task waiting for
``http.disconnect``; the routes opt out of compression (frames are small and flushed one by
one: nothing to gain).
"""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.response import Stream as StreamResponse
from litestar.response.base import ASGIResponse
from litestar.response.streaming import ASGIStreamingResponse
from litestar.types import Receive, Send

from rejoinder.live.streams import Stream

NO_COMPRESSION = {"precompressed": True}  # the compression middleware's opt-out (app.py)


class LiveResponse(StreamResponse):
    """A ``text/event-stream`` response whose body is one live :class:`Stream`."""

    def __init__(self, stream: Stream, *, headers: dict[str, str], media_type: str) -> None:
        super().__init__(stream, headers=headers, media_type=media_type)

    def to_asgi_response(self, *args: Any, **kwargs: Any) -> ASGIResponse:
        response = super().to_asgi_response(*args, **kwargs)
        response.__class__ = _LiveBody  # the same fields; only how the body is sent differs
        return response


class _LiveBody(ASGIStreamingResponse):
    __slots__ = ()

    async def send_body(self, send: Send, receive: Receive) -> None:
        stream = self.iterator
        assert isinstance(stream, Stream)
        await send_stream(stream, send, receive)


async def send_stream(stream: Stream, send: Send, receive: Receive) -> None:
    """The body of a started response: every frame the stream is pushed, until it ends or
    the client leaves."""

    async def write(data: bytes) -> None:
        await send({"type": "http.response.body", "body": data, "more_body": True})

    watcher = asyncio.get_running_loop().create_task(_end_on_disconnect(receive, stream))
    try:
        await stream.attach(write)  # the hub's pushes write from here on
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    finally:
        watcher.cancel()
        stream.detach()


async def _end_on_disconnect(receive: Receive, stream: Stream) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.end()
