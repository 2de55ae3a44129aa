"""In-page notifications from the event log: who is told of what, per their settings."""

from __future__ import annotations

import httpx

from factories import make_comment, make_reader, make_story, moderate
from rejoinder.runtime import Runtime
from support.notifying import consume, notification_rows

Client = httpx.AsyncClient
URL = "/api/v1/me/notifications"


async def test_a_reply_reaches_the_parents_author_in_page(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime, title="Bread prices")
    me, other = await make_reader(runtime), await make_reader(runtime, display_name="Replier")
    mine = await make_comment(runtime, me, story, "Mine")
    reply = await make_comment(runtime, other, story, "An answer", parent_id=mine["id"])
    await make_comment(runtime, me, story, "I answer myself", parent_id=mine["id"])
    await consume(runtime)

    page = (await client.get(URL, headers=me.headers)).json()
    assert page["unread"] == 1
    assert page["next_cursor"] is None
    [item] = page["items"]
    assert item["kind"] == "reply"
    assert item["comment_id"] == reply["id"]
    assert item["story"] == {
        "id": story,
        "title": "Bread prices",
        "url": f"https://news.test/{story}",
    }
    assert item["actor"] == {"display_name": "Replier"}
    assert item["read"] is False
    assert item["permalink"] == f"https://news.test/{story}#comment-{reply['id']}"
    # The replier is told nothing about their own reply.
    assert (await client.get(URL, headers=other.headers)).json()["items"] == []

    done = await client.post(URL + "/read", json={"ids": [item["id"]]}, headers=me.headers)
    assert done.status_code == 200
    assert done.json() == {"unread": 0}
    assert (await client.get(URL, headers=me.headers)).json()["items"][0]["read"] is True
    # Someone else's ids change nothing of theirs.
    await client.post(URL + "/read", json={"ids": [item["id"]]}, headers=other.headers)


async def test_consuming_twice_makes_each_notification_once(runtime: Runtime) -> None:
    story = await make_story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    mine = await make_comment(runtime, me, story)
    await make_comment(runtime, other, story, "Reply", parent_id=mine["id"])
    await consume(runtime)
    await consume(runtime)
    assert len(await notification_rows(runtime, me.account_id)) == 1


async def test_a_kind_switched_off_makes_nothing(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    saved = await client.put(
        "/api/v1/me/notification-settings", json={"reply": False}, headers=me.headers
    )
    assert saved.status_code == 200
    mine = await make_comment(runtime, me, story)
    await make_comment(runtime, other, story, "Reply", parent_id=mine["id"])
    await consume(runtime)
    assert await notification_rows(runtime, me.account_id) == []


async def test_staff_reply_reaches_everyone_up_the_thread(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    first, second = await make_reader(runtime), await make_reader(runtime)
    staff = await make_reader(runtime, role="staff", display_name="Jo Tanaka")
    top = await make_comment(runtime, first, story, "Top")
    middle = await make_comment(runtime, second, story, "Middle", parent_id=top["id"])
    await consume(runtime)
    await make_comment(runtime, staff, story, "From the desk", parent_id=middle["id"])
    await consume(runtime)
    kinds = {
        reader: [i["kind"] for i in (await client.get(URL, headers=reader.headers)).json()["items"]]
        for reader in (first, second)
    }
    assert kinds[second] == ["staff_reply"]
    assert kinds[first] == ["staff_reply", "reply"]


async def test_featured_and_moderation_outcomes(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime, premoderated=True)
    me = await make_reader(runtime)
    held = await make_comment(runtime, me, story, "Please publish me")
    other = await make_comment(runtime, me, story, "And me")
    assert held["status"] == "pending"
    await moderate(runtime, held["id"], "approve")
    await moderate(runtime, other["id"], "reject", reason="off_topic")
    await moderate(runtime, held["id"], "feature")
    await consume(runtime)
    items = (await client.get(URL, headers=me.headers)).json()["items"]
    assert [(i["kind"], i["outcome"], i["comment_id"]) for i in items] == [
        ("featured", None, held["id"]),
        ("moderation", "rejected", other["id"]),
        ("moderation", "approved", held["id"]),
    ]
    assert items[1]["reason"] == "Off topic"
    assert items[1]["actor"] is None

    everything = await client.post(URL + "/read", json={"all": True}, headers=me.headers)
    assert everything.json() == {"unread": 0}


async def test_pages_and_bad_input(client: Client, runtime: Runtime) -> None:
    runtime.settings.comments.rate_limit_count = 100
    story = await make_story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    mine = await make_comment(runtime, me, story)
    for n in range(23):
        await make_comment(runtime, other, story, f"Reply {n}", parent_id=mine["id"])
    await consume(runtime)
    first = (await client.get(URL, headers=me.headers)).json()
    assert len(first["items"]) == 20
    assert first["unread"] == 23
    rest = (
        await client.get(URL, params={"cursor": first["next_cursor"]}, headers=me.headers)
    ).json()
    assert len(rest["items"]) == 3
    assert rest["next_cursor"] is None
    for body in ({}, {"ids": []}, {"all": False}):
        response = await client.post(URL + "/read", json=body, headers=me.headers)
        assert response.status_code == 422, body
        assert response.json()["code"] == "selection_required"
    for body in (
        {"ids": ["1"]},
        {"ids": [0]},
        {"all": "yes"},
        {"x": 1},
        {"ids": list(range(1, 102))},
    ):
        response = await client.post(URL + "/read", json=body, headers=me.headers)
        assert response.status_code == 422, body
        assert response.json()["code"] == "validation_failed"
    bad = await client.get(URL, params={"cursor": "x"}, headers=me.headers)
    assert bad.status_code == 422
    assert (await client.get(URL)).status_code == 401


async def test_a_notification_and_marking_read_are_events_of_the_reader(
    client: Client, runtime: Runtime
) -> None:
    """``notification.created`` and ``notifications.read`` in the log, for the reader alone and
    with no story (never replayed onto a story's stream): the widget's count follows them."""
    from sqlalchemy import select

    from rejoinder.events.models import events

    async def logged() -> list[tuple[str, int | None, int | None]]:
        query = select(events.c.name, events.c.account_id, events.c.story_id).where(
            events.c.name.in_(["notification.created", "notifications.read"])
        )
        async with runtime.db.read() as conn:
            return [tuple(row) for row in (await conn.execute(query.order_by(events.c.id))).all()]

    story = await make_story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    mine = await make_comment(runtime, me, story)
    await make_comment(runtime, other, story, "Reply", parent_id=mine["id"])
    await consume(runtime)
    assert await logged() == [("notification.created", me.account_id, None)]
    await client.post(URL + "/read", json={"all": True}, headers=me.headers)
    # Nothing left to mark: no second event.
    await client.post(URL + "/read", json={"all": True}, headers=me.headers)
    assert await logged() == [
        ("notification.created", me.account_id, None),
        ("notifications.read", me.account_id, None),
    ]
