"""The moderators' stream: counts and changed queue items, for their own sites only."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from factories import make_comment, make_moderator, make_reader, make_story, moderate
from live.sse import served, stream
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings

Client = httpx.AsyncClient
URL = "/api/v1/moderation/live"


@pytest.fixture
async def http(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    async with served(settings, runtime) as client:
        yield client


async def test_a_site_moderator_sees_their_sites_only(http: Client, runtime: Runtime) -> None:
    moderator = await make_moderator(runtime, sites=("news",))
    news = await make_story(runtime, premoderated=True)
    sport = await make_story(runtime, site="sport", premoderated=True)
    author = await make_reader(runtime)
    async with stream(http, URL, moderator.headers) as desk:
        assert desk.response.status_code == 200
        assert desk.response.headers["content-type"].startswith("text/event-stream")
        snapshot = await desk.next()
        assert snapshot is not None
        assert snapshot.event == "queue.counts"
        assert snapshot.json()["site_id"] == "news"
        assert snapshot.json()["counts"]["pending"] == 0

        await make_comment(
            runtime, author, sport, "Held on sport", site="sport"
        )  # not this moderator's
        held = await make_comment(runtime, author, news, "Held on news")
        counts = await desk.next()
        assert counts is not None
        assert counts.event == "queue.counts"
        assert counts.json()["site_id"] == "news"
        assert counts.json()["counts"]["pending"] == 1
        item = await desk.next()
        assert item is not None
        assert item.event == "queue.item"
        assert item.json()["card"]["id"] == held["id"]
        assert item.json()["card"]["status"] == "pending"

        await moderate(runtime, held["id"], "approve")
        moved = await desk.until("queue.counts")
        assert moved.json()["counts"]["pending"] == 0
        changed = await desk.until("queue.item")
        assert changed.json()["card"]["status"] == "published"

        open_story = await make_story(runtime)
        published = await make_comment(runtime, author, open_story, "Straight to the page")
        unmoderated = await desk.until("queue.counts")
        assert unmoderated.json()["counts"]["unmoderated"] == 1
        entered = await desk.until("queue.item")
        assert entered.json()["card"]["id"] == published["id"]


async def test_an_admin_gets_every_site(http: Client, runtime: Runtime) -> None:
    admin = await make_moderator(runtime, admin=True)
    async with stream(http, URL, admin.headers) as desk:
        sites = [(await desk.next()), (await desk.next())]
        assert [m.json()["site_id"] for m in sites if m is not None] == ["news", "sport"]


async def test_readers_and_strangers_are_refused(http: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    refused = await http.get(URL, headers=reader.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "moderator_required"
    anonymous = await http.get(URL)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "authentication_required"


async def test_a_demoted_moderator_loses_the_stream(http: Client, runtime: Runtime) -> None:
    from rejoinder.accounts.service import set_role

    moderator = await make_moderator(runtime, sites=("news",))
    async with stream(http, URL, moderator.headers) as desk:
        assert (await desk.next()) is not None
        await set_role(runtime, moderator.account_id, "commenter")
        reset = await desk.until("reset")
        assert reset.json() == {"reason": "access_changed"}
        assert await desk.next() is None
