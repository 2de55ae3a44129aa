"""An edit re-enters the pipeline, and a held comment stays held until a moderator decides
(a reader once published a comment held for repeated text by editing it)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from factories import make_moderator, make_reader, make_story
from moderation.support import Poster
from rejoinder.moderation.models import audit_log
from rejoinder.runtime import Runtime

LONG = "The council should publish the full budget before the vote on Thursday."


async def test_editing_a_held_comment_keeps_it_held(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    first, second = await make_story(runtime), await make_story(runtime)
    assert (await post(reader, first, LONG))["moderation"]["status"] == "published"
    held = await post(reader, second, LONG)
    assert held["moderation"]["status"] == "pending"
    comment_id = held["comment"]["id"]

    edited = await client.patch(
        f"/api/v1/comments/{comment_id}",
        json={"body": LONG + "\n\nAnd the minutes of the meeting."},
        headers=reader.headers,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["status"] == "pending"
    public = (await client.get(f"/api/v1/sites/news/stories/{second}/comments")).json()
    assert public["comments"] == []
    assert public["story"]["comment_count"] == 0
    moderator = await make_moderator(runtime)
    queue = await client.get("/api/v1/moderation/queues/pending", headers=moderator.headers)
    assert comment_id in [item["id"] for item in queue.json()["items"]], queue.text
    async with runtime.db.read() as conn:
        reasons = (
            await conn.execute(
                select(audit_log.c.reason)
                .where(audit_log.c.comment_id == comment_id)
                .order_by(audit_log.c.id)
            )
        ).scalars()
        assert list(reasons)[-1] == (
            "edited by the author while held: still waiting for a moderator"
        )


async def test_an_edit_can_still_be_held_or_rejected(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    created = await post(reader, story, "A calm remark about the bus timetable.")
    assert created["moderation"]["status"] == "published"
    edited = await client.patch(
        f"/api/v1/comments/{created['comment']['id']}",
        json={"body": "I will kill you if this timetable stays."},
        headers=reader.headers,
    )
    assert edited.json()["status"] == "pending"


async def test_deleting_a_held_comment_leaves_the_queue_with_an_audit_row(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    first, second = await make_story(runtime), await make_story(runtime)
    await post(reader, first, LONG)
    held = await post(reader, second, LONG)
    comment_id = held["comment"]["id"]
    deleted = await client.delete(f"/api/v1/comments/{comment_id}", headers=reader.headers)
    assert deleted.status_code == 204, deleted.text
    moderator = await make_moderator(runtime)
    queue = await client.get("/api/v1/moderation/queues/pending", headers=moderator.headers)
    assert comment_id not in [item["id"] for item in queue.json()["items"]]
    async with runtime.db.read() as conn:
        last = (
            await conn.execute(
                select(audit_log.c.actor_name, audit_log.c.action, audit_log.c.reason)
                .where(audit_log.c.comment_id == comment_id)
                .order_by(audit_log.c.id.desc())
                .limit(1)
            )
        ).one()
    assert tuple(last) == ("author", "author.delete", "deleted by the author while held")
