"""A small real SSE client for tests: the app served by uvicorn on a free port, in the
test's event loop, and an event-stream parser over httpx's streamed lines."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from rejoinder.app import create_app
from rejoinder.live.hub import hub_of
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from support.ports import free_port


@dataclass
class Message:
    event: str = "message"
    data: str = ""
    id: str | None = None
    comments: list[str] = field(default_factory=list)
    retry: int | None = None

    def json(self) -> Any:
        return json.loads(self.data)


class Events:
    """Reads one stream message by message (comment lines are kept on the next message)."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self._lines = response.aiter_lines()

    async def next(self, within: float = 10.0) -> Message | None:
        """The next message with an ``event``/``data``, or ``None`` when the stream ended."""
        return await asyncio.wait_for(self._next(), within)

    async def _next(self) -> Message | None:
        message = Message()
        has_data = False
        async for line in self._lines:
            if line == "":
                if has_data:
                    return message
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "":
                message.comments.append(value)
            elif name == "event":
                message.event = value
            elif name == "data":
                message.data = value
                has_data = True
            elif name == "id":
                message.id = value
            elif name == "retry":
                message.retry = int(value)
        return None

    async def until(self, event: str, within: float = 10.0) -> Message:
        while True:
            message = await self.next(within)
            assert message is not None, f"the stream ended before {event!r}"
            if message.event == event:
                return message


def through_asgi(app: Any) -> Any:
    """The app with uvicorn's ``receive`` hidden behind a plain function: the live path cannot
    take the connection over, so streams are served by the handlers' ASGI response, as under
    any other server."""

    async def hidden(scope: Any, receive: Any, send: Any) -> None:
        async def plain() -> Any:
            return await receive()

        await app(scope, plain, send)

    return hidden


@asynccontextmanager
async def served(
    settings: Settings, runtime: Runtime, *, asgi_only: bool = False
) -> AsyncIterator[httpx.AsyncClient]:
    """The real app on a real socket: streamed responses arrive as they are written. Streams
    take their connection over from uvicorn (``live/wire.py``), or with ``asgi_only`` stay
    ASGI responses."""
    app: Any = create_app(settings, runtime=runtime)
    if asgi_only:
        app = through_asgi(app)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield http
    finally:
        await hub_of(runtime).close()  # streams end, so the server can stop
        server.should_exit = True
        await task


@asynccontextmanager
async def stream(
    http: httpx.AsyncClient, url: str, headers: dict[str, str] | None = None
) -> AsyncIterator[Events]:
    async with http.stream("GET", url, headers=headers or {}) as response:
        yield Events(response)
