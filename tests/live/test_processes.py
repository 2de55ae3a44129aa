"""Real ``rejoinder serve`` processes on PostgreSQL and Redis: a comment posted through one
process reaches a stream on another; SIGTERM ends open streams cleanly and the process stops."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from live.sse import stream
from support.processes import ADMIN_KEY, SITE, Fleet, sso_token

pytestmark = pytest.mark.processes
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


async def _reader(http: httpx.AsyncClient, subject: str) -> dict[str, str]:
    grant = await http.post("/api/v1/auth/sso", json={"token": sso_token(subject)})
    assert grant.status_code == 200, grant.text
    headers = {"Authorization": f"Bearer {grant.json()['access_token']}"}
    named = await http.put(
        "/api/v1/me/profile", json={"display_name": f"Live {subject}"}, headers=headers
    )
    assert named.status_code == 200, named.text
    return headers


async def _story(http: httpx.AsyncClient, key: str) -> None:
    made = await http.put(
        f"/api/v1/admin/sites/{SITE}/stories/{key}",
        json={"title": key, "url": f"https://news.test/{key}"},
        headers=ADMIN,
    )
    assert made.status_code == 200, made.text


async def test_a_comment_through_one_process_reaches_a_stream_on_another(fleet: Fleet) -> None:
    a, b = fleet.start(2)
    async with (
        httpx.AsyncClient(base_url=a.base_url, timeout=10) as via_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=10) as via_b,
    ):
        await _story(via_a, "across")
        headers = await _reader(via_a, "across-1")
        async with stream(via_b, f"/api/v1/sites/{SITE}/stories/across/live") as live:
            delays = []
            for n in range(3):
                started = time.monotonic()
                posted = await via_a.post(
                    f"/api/v1/sites/{SITE}/stories/across/comments",
                    json={"body": f"Posted through A, {n}"},
                    headers=headers,
                )
                assert posted.status_code == 201, posted.text
                created = await live.until("comment.created", within=5)
                delays.append(time.monotonic() - started)
                assert created.json()["comment"]["id"] == posted.json()["comment"]["id"]
    # Through Redis's wake-up, well under the 1 s poll (the bar is 100 ms).
    assert min(delays) < 0.5, (delays, fleet.logs())


async def test_sigterm_ends_open_streams_and_the_process_stops(fleet: Fleet) -> None:
    (process,) = fleet.start(1)
    async with httpx.AsyncClient(base_url=process.base_url, timeout=10) as http:
        await _story(http, "closing")
        async with stream(http, f"/api/v1/sites/{SITE}/stories/closing/live") as live:
            await asyncio.sleep(0.2)  # the stream is open (its headers came)
            process.process.terminate()
            reset = await live.until("reset", within=10)
            assert reset.json() == {"reason": "shutdown"}
            assert await live.next() is None
    await asyncio.to_thread(process.process.wait, 15)
    assert not process.alive, fleet.logs()
