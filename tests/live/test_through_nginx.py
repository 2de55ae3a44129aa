"""Debian's nginx with the committed example configuration passes a live stream through:
each event arrives as it happens, not when a buffer fills or the stream ends."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from factories import make_comment, make_reader, make_story
from live.sse import served, stream
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from support.nginx import start_nginx


async def test_events_pass_through_nginx_at_once(
    settings: Settings, runtime: Runtime, tmp_path: Path
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    async with served(settings, runtime) as app:
        port = app.base_url.port
        assert port is not None
        # Its start-up waits on /healthz synchronously: off this loop, which serves the app.
        nginx = await asyncio.to_thread(start_nginx, tmp_path, [port])
        try:
            async with (
                httpx.AsyncClient(base_url=nginx.base_url, timeout=10) as proxied,
                stream(proxied, f"/api/v1/sites/news/stories/{story}/live") as live,
            ):
                assert live.response.headers["content-type"].startswith("text/event-stream")
                for n in range(2):
                    made = await make_comment(runtime, reader, story, f"through nginx {n}")
                    created = await live.until("comment.created", within=5)
                    assert created.json()["comment"]["id"] == made["id"]
        finally:
            nginx.stop()
