"""Every state change writes its typed event to the log in its own transaction, and the relay
delivers it after the commit, in id order; refusals write nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from factories import make_comment, make_reader, make_story, record_events
from rejoinder.events.catalogue import CommentEvent, decode
from rejoinder.events.models import events
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def test_events(client: Client, runtime: Runtime) -> None:
    recorder = record_events(runtime)
    story = await make_story(runtime)
    author = await make_reader(runtime)
    fan = await make_reader(runtime)
    recorder.seen.clear()
    comment = await make_comment(runtime, author, story, "hello")
    base = f"/api/v1/comments/{comment['id']}"
    await client.patch(base, json={"body": "hello again"}, headers=author.headers)
    await client.put(f"{base}/reactions/like", headers=fan.headers)
    await client.put(f"{base}/reactions/like", headers=fan.headers)  # no change, no event
    await client.post(f"{base}/reports", json={"reason": "spam"}, headers=fan.headers)
    await client.delete(base, headers=author.headers)
    refused = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments", json={"body": " "}, headers=author.headers
    )
    assert refused.status_code == 422
    expected = [
        "comment.created",
        "comment.edited",
        "comment.reacted",
        "comment.reported",
        "comment.deleted",
    ]
    assert recorder.names("comment.") == expected
    for event in recorder.events:
        if isinstance(event, CommentEvent):
            assert event.site_id == "news"
            assert event.story_key == story
            assert event.comment_id == comment["id"]
    # The log holds the same events, in the same order, with ids the relay delivered by.
    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(select(events.c.id, events.c.payload).order_by(events.c.id))
        ).all()
    logged = [(row.id, decode(row.payload)) for row in rows]
    assert [event.name for _, event in logged if event.name.startswith("comment.")] == expected
    delivered = [event_id for event_id, _ in recorder.seen]
    assert delivered == sorted(delivered)
    assert set(delivered) <= {event_id for event_id, _ in logged}
    assert dict(recorder.seen) == {i: e for i, e in logged if i in set(delivered)}


async def test_a_failed_transaction_writes_no_event(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    comment = await make_comment(runtime, reader, story, "once")
    async with runtime.db.read() as conn:
        before = (await conn.execute(select(events.c.id))).all()
    again = await client.post(
        f"/api/v1/comments/{comment['id']}/reports", json={"reason": "spam"}, headers=reader.headers
    )
    assert again.status_code == 422  # own comment: refused inside the transaction
    async with runtime.db.read() as conn:
        assert (await conn.execute(select(events.c.id))).all() == before
