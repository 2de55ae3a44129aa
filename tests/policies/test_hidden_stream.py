"""A section the protection rule hid sends nothing down its live stream (issue #14): a held
comment approved meanwhile, or a reaction, reaches nobody until it is reopened."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from conftest import RsaPair, make_settings
from factories import make_comment, make_reader, make_story, moderate
from live.sse import served, stream
from rejoinder.runtime import Runtime
from rejoinder.settings import LiveSettings, ProtectionRule, Settings
from rejoinder.stories.queries import find_story
from rejoinder.stories.service import set_comment_state

Client = httpx.AsyncClient


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    settings = make_settings(
        database_url, rsa_key, live=LiveSettings(heartbeat_seconds=0.2, queue_size=8)
    )
    settings.sites[0].protection = ProtectionRule(report_threshold=50, action="hide")
    return settings


@pytest.fixture
async def http(settings: Settings, runtime: Runtime) -> AsyncIterator[Client]:
    async with served(settings, runtime) as client:
        yield client


async def set_status(runtime: Runtime, story: str, status: str) -> None:
    async with runtime.db.read() as conn:
        found = await find_story(conn, "news", story)
    assert found is not None
    async with runtime.db.transaction() as tx:
        await set_comment_state(tx, found.id, status, None, runtime.clock.now())


async def test_nothing_of_a_hidden_section_reaches_its_stream(
    http: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime, premoderated=True)
    held = await make_comment(runtime, await make_reader(runtime), story, "Waiting")
    assert held["status"] == "pending"
    async with stream(http, f"/api/v1/sites/news/stories/{story}/live") as live:
        await set_status(runtime, story, "hidden")
        hidden = await live.until("story.updated")
        assert hidden.json()["story"]["status"] == "hidden"
        await moderate(runtime, held["id"], "approve")
        await set_status(runtime, story, "open")
        # The next frame is the reopening: the approval in between was not sent.
        shown = await live.next()
        assert shown is not None
        assert (shown.event, shown.json()["story"]["status"]) == ("story.updated", "open")
        again = await make_comment(runtime, await make_reader(runtime), story, "After")
        await moderate(runtime, again["id"], "approve")
        arrived = await live.until("comment.created")
        assert arrived.json()["comment"]["id"] == again["id"]
