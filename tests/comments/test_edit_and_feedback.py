"""Editing within the window (revisions, re-moderation), reactions and reports."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from factories import make_comment, make_reader, make_story, viewer
from rejoinder.comments.decisions import Decision, ModerationContext
from rejoinder.comments.feedback import react
from rejoinder.comments.models import comment_reports, comment_revisions
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings

Client = httpx.AsyncClient


async def edit(client: Client, comment_id: int, body: str, headers: dict[str, str]) -> Any:
    return await client.patch(
        f"/api/v1/comments/{comment_id}", json={"body": body}, headers=headers
    )


async def test_edit_keeps_a_revision(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "first **draft**")
    clock.advance(minutes=5)
    response = await edit(client, comment["id"], "second _draft_", author.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["body_html"] == "<p>second <em>draft</em></p>"
    assert body["edited_at"] == clock.now().isoformat().replace("+00:00", "Z")
    async with runtime.db.read() as conn:
        rows = (await conn.execute(select(comment_revisions))).all()
    assert [r.body for r in rows] == ["first **draft**"]


async def test_edit_refusals(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    other = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "text")
    anon = await client.patch(f"/api/v1/comments/{comment['id']}", json={"body": "x"})
    assert anon.json()["code"] == "authentication_required"
    assert (await edit(client, comment["id"], "x", other.headers)).json()["code"] == (
        "not_comment_author"
    )
    assert (await edit(client, 999, "x", author.headers)).status_code == 404
    assert (await edit(client, comment["id"], " ", author.headers)).json()["code"] == (
        "comment_empty"
    )
    clock.advance(minutes=10, seconds=1)
    late = await edit(client, comment["id"], "x", author.headers)
    assert late.status_code == 409
    assert late.json()["code"] == "edit_window_expired"


async def test_edit_is_moderated_again(client: Client, runtime: Runtime) -> None:
    class RejectShouting:
        async def decide(self, ctx: ModerationContext) -> Decision:
            if ctx.body.isupper():
                return Decision(status="rejected", reason="Please do not shout.", phase="caps")
            return Decision(status="published")

    runtime.moderation = RejectShouting()
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "calm")
    response = await edit(client, comment["id"], "LOUD", author.headers)
    assert response.json()["status"] == "rejected"
    listing = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert listing["comments"] == []
    assert listing["story"]["comment_count"] == 0


async def test_reactions_are_idempotent(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    fan = await make_reader(runtime)
    comment = await make_comment(runtime, author, story)
    path = f"/api/v1/comments/{comment['id']}/reactions/like"
    for _ in range(2):
        response = await client.put(path, headers=fan.headers)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "comment_id": comment["id"],
            "reactions": {"like": 1},
            "reacted": ["like"],
        }
    listing = (
        await client.get(f"/api/v1/sites/news/stories/{story}/comments", headers=fan.headers)
    ).json()
    assert listing["comments"][0]["reacted"] == ["like"]
    assert listing["comments"][0]["reactions"] == {"like": 1}
    for _ in range(2):
        response = await client.delete(path, headers=fan.headers)
        assert response.json()["reactions"] == {}


@pytest.mark.parametrize(
    ("state", "kind", "code", "status"),
    [
        ({"plan": "free"}, "like", "plan_does_not_allow_reacting", 403),
        ({"status": "banned"}, "like", "account_banned", 403),
        ({}, "love", "unknown_reaction", 422),
    ],
)
async def test_reaction_refusals(  # noqa: PLR0917 - pytest passes fixtures and parameters
    client: Client, runtime: Runtime, state: dict[str, Any], kind: str, code: str, status: int
) -> None:
    story = await make_story(runtime)
    comment = await make_comment(runtime, await make_reader(runtime), story)
    reader = await make_reader(runtime, **state)
    response = await client.put(
        f"/api/v1/comments/{comment['id']}/reactions/{kind}", headers=reader.headers
    )
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_reactor_plan_may_react_without_a_display_name(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    comment = await make_comment(runtime, await make_reader(runtime), story)
    reader = await make_reader(runtime, plan="reactor", display_name=None)
    response = await client.put(
        f"/api/v1/comments/{comment['id']}/reactions/like", headers=reader.headers
    )
    assert response.status_code == 200


async def test_reports(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    reporter = await make_reader(runtime)
    comment = await make_comment(runtime, author, story)
    path = f"/api/v1/comments/{comment['id']}/reports"
    response = await client.post(
        path, json={"reason": "spam", "note": "ads"}, headers=reporter.headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["reason"] == "spam"
    again = await client.post(path, json={"reason": "abuse"}, headers=reporter.headers)
    assert (again.status_code, again.json()["code"]) == (409, "already_reported")
    own = await client.post(path, json={"reason": "spam"}, headers=author.headers)
    assert own.json()["code"] == "cannot_report_own"
    bad = await client.post(path, json={"reason": "boring"}, headers=reporter.headers)
    assert bad.status_code in {400, 422}
    free = await make_reader(runtime, plan="free")
    denied = await client.post(path, json={"reason": "spam"}, headers=free.headers)
    assert denied.json()["code"] == "plan_does_not_allow_reporting"
    async with runtime.db.read() as conn:
        assert len((await conn.execute(select(comment_reports))).all()) == 1


async def test_report_reasons_are_configurable(
    client: Client, runtime: Runtime, settings: Settings
) -> None:
    settings.moderation.report_reasons = ["spam", "doxxing"]
    story = await make_story(runtime)
    comment = await make_comment(runtime, await make_reader(runtime), story)
    path = f"/api/v1/comments/{comment['id']}/reports"
    refused = await client.post(
        path, json={"reason": "abuse"}, headers=(await make_reader(runtime)).headers
    )
    assert (refused.status_code, refused.json()["code"]) == (422, "unknown_report_reason")
    assert "doxxing" in refused.json()["detail"]
    taken = await client.post(
        path, json={"reason": "doxxing"}, headers=(await make_reader(runtime)).headers
    )
    assert taken.status_code == 201, taken.text
    widget = (await client.get("/api/v1/sites/news/widget")).json()
    assert widget["report_reasons"] == ["spam", "doxxing"]


async def test_concurrent_reactions_count_right(client: Client, runtime: Runtime) -> None:
    import asyncio

    story = await make_story(runtime)
    comment = await make_comment(runtime, await make_reader(runtime), story)
    fans = [await make_reader(runtime) for _ in range(6)]
    views = [await viewer(runtime, f.account_id) for f in fans]
    await asyncio.gather(
        *(react(runtime, v, comment["id"], "like", add=True, client="x") for v in views)
    )
    listing = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert listing["comments"][0]["reactions"] == {"like": 6}


async def test_edit_window_is_configurable(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    runtime.settings.comments.edit_window_minutes = 60
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story)
    clock.advance(minutes=59)
    assert (await edit(client, comment["id"], "ok", author.headers)).status_code == 200
