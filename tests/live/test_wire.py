"""Streams on a connection taken over from uvicorn (``live/wire.py``): the same response as the
handlers', the socket's flow control bounding a client that stops reading, a client that
leaves leaving the fan-out."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from conftest import RsaPair, make_settings
from factories import make_story
from live.sse import served, stream
from rejoinder.app import create_runtime
from rejoinder.kernel.clock import FrozenClock
from rejoinder.live.hub import hub_of
from rejoinder.live.wire import chunk
from rejoinder.runtime import Runtime
from rejoinder.settings import LiveSettings, Settings
from support.ports import eventually

ORIGIN = {"Origin": "https://news.test"}
VARYING = {"date", "x-request-id"}


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    return make_settings(database_url, rsa_key, live=LiveSettings(queue_size=8))


def live_url(story: str) -> str:
    return f"/api/v1/sites/news/stories/{story}/live"


async def head_of(http: httpx.AsyncClient, runtime: Runtime, url: str) -> dict[str, str]:
    async with stream(http, url, ORIGIN) as live:
        await live.response.aiter_lines().__anext__()  # the stream is open
        (opened,) = [s for group in hub_of(runtime).stories.values() for s in group]
        head = {k: v for k, v in live.response.headers.items() if k not in VARYING}
        return {**head, "on wire": str(opened.on_wire)}


async def test_the_response_head_is_the_handlers_own(
    settings: Settings, runtime: Runtime, clock: FrozenClock
) -> None:
    story = await make_story(runtime)
    async with served(settings, runtime) as http:
        taken = await head_of(http, runtime, live_url(story))
    other = create_runtime(settings, clock=clock)  # the first server's hub is closed
    try:
        async with served(settings, other, asgi_only=True) as http:
            through_asgi = await head_of(http, other, live_url(story))
    finally:
        await other.close()
    assert taken.pop("on wire") == "True"
    assert through_asgi.pop("on wire") == "False"
    assert taken == through_asgi
    assert taken["access-control-allow-origin"] == ORIGIN["Origin"]
    assert taken["transfer-encoding"] == "chunked"


@pytest.fixture
async def http(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    async with served(settings, runtime) as client:
        yield client


async def test_a_client_that_leaves_leaves_the_fan_out(
    http: httpx.AsyncClient, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    hub = hub_of(runtime)
    async with stream(http, live_url(story)) as live:
        assert (await live.response.aiter_lines().__anext__()).startswith("retry:")
        assert hub.open_streams == 1
    await eventually(lambda: hub.open_streams == 0, within=10, what="the stream left")


async def test_a_client_that_stops_reading_is_reset_and_closed_alone(
    http: httpx.AsyncClient, runtime: Runtime
) -> None:
    """The socket's buffers fill, frames queue, the queue overflows: that client gets
    ``reset`` and the connection closes; the other stream gets every frame."""
    story = await make_story(runtime)
    hub = hub_of(runtime)
    port = http.base_url.port
    assert port is not None
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(0.0)  # non-blocking, for the event loop
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    reader, writer = await asyncio.open_connection(sock=sock)
    writer.write(f"GET {live_url(story)} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    assert (await reader.readline()).startswith(b"HTTP/1.1 200")
    async with stream(http, live_url(story)) as fast:
        await eventually(lambda: hub.open_streams == 2, within=10, what="both streams open")
        (story_id,) = hub.stories
        big = b"event: filler\ndata: " + b"x" * 65536 + b"\n\n"
        pushed = 0
        while len(hub.stories[story_id]) == 2 and pushed < 2000:
            for each in list(hub.stories[story_id]):
                each.push(big)
            pushed += 1
            message = await fast.next()  # the reading client keeps up
            assert message is not None
            assert message.event == "filler"
        assert hub.open_streams == 1  # the one that reads
        survivor = next(iter(hub.stories[story_id]))
        assert not survivor.closed
    received = b""
    while chunk_ := await asyncio.wait_for(reader.read(1 << 20), 30):
        received += chunk_
    writer.close()
    assert b'event: reset\ndata: {"reason":"overflow"}\n\n\r\n0\r\n\r\n' in received[-200:]
    assert received.endswith(b"0\r\n\r\n")  # the response ended, then the connection closed


def test_a_frame_is_chunked_once_for_every_stream() -> None:
    data = b"event: x\ndata: {}\n\n"
    first = chunk(data)
    assert first == b"13\r\n" + data + b"\r\n"
    assert chunk(data) is first  # the same object for the next stream
    assert chunk(bytes(data)) == first


async def test_a_stream_is_timed_under_its_route_template(
    http: httpx.AsyncClient, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    async with stream(http, live_url(story)) as live:
        await live.response.aiter_lines().__anext__()
        assert live.response.headers["x-request-id"]
    scraped = await http.get("/metrics")
    assert scraped.status_code == 200, scraped.text
    line = (
        'rejoinder_http_request_duration_seconds_count{method="GET",'
        'route="/api/v1/sites/{site}/stories/{story_id}/live",status="200"} 1.0'
    )
    assert line in scraped.text
    assert story not in scraped.text  # no raw paths as label values
