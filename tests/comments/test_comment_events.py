"""Every state change emits its event after the commit; refusals emit nothing."""

from __future__ import annotations

import httpx

from factories import make_comment, make_reader, make_story
from rejoinder.kernel.events import Event
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def test_events(client: Client, runtime: Runtime) -> None:
    seen: list[Event] = []

    async def record(event: Event) -> None:
        seen.append(event)

    runtime.bus.subscribe("*", record)
    story = await make_story(runtime)
    author = await make_reader(runtime)
    fan = await make_reader(runtime)
    seen.clear()
    comment = await make_comment(runtime, author, story, "hello")
    base = f"/api/v1/comments/{comment['id']}"
    await client.patch(base, json={"body": "hello again"}, headers=author.headers)
    await client.put(f"{base}/reactions/like", headers=fan.headers)
    await client.put(f"{base}/reactions/like", headers=fan.headers)  # no change, no event
    await client.post(f"{base}/reports", json={"reason": "spam"}, headers=fan.headers)
    await client.delete(base, headers=author.headers)
    await client.post(
        f"/api/v1/sites/news/stories/{story}/comments", json={"body": " "}, headers=author.headers
    )
    names = [e.name for e in seen if e.name.startswith("comment.")]
    assert names == [
        "comment.created",
        "comment.edited",
        "comment.reacted",
        "comment.reported",
        "comment.deleted",
    ]
    for event in seen:
        if event.name.startswith("comment."):
            assert event.data["site_id"] == "news"
            assert event.data["story_key"] == story
            assert event.data["comment_id"] == comment["id"]
