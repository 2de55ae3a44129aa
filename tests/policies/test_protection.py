"""Sections that protect themselves (issue #14): counted from the event log, with the clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import RsaPair, make_settings
from factories import Recorder, make_comment, make_moderator, make_reader, make_story, viewer
from rejoinder.comments.feedback import report
from rejoinder.kernel.clock import FrozenClock
from rejoinder.policies.protection import ProtectionConsumer
from rejoinder.runtime import Runtime
from rejoinder.settings import ProtectionRule, Settings

Client = httpx.AsyncClient
MESSAGE = "Comments are paused while our moderators catch up."


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    settings = make_settings(database_url, rsa_key)
    settings.sites[0].protection = ProtectionRule(
        window_minutes=60, held_threshold=3, report_threshold=2, message=MESSAGE
    )
    return settings


@pytest.fixture
async def consumer(runtime: Runtime) -> ProtectionConsumer:
    found = ProtectionConsumer(runtime.settings)
    await runtime.relay.register_durable(found, from_start=False)
    return found


async def drain(runtime: Runtime, consumer: ProtectionConsumer) -> None:
    while await runtime.relay.run_durable(consumer):
        pass


async def story_view(client: Client, story: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/sites/news/stories/{story}/comments")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()["story"]
    return body


async def audit_actions(client: Client, runtime: Runtime) -> dict[str, Any]:
    admin = await make_moderator(runtime, admin=True)
    audit = (await client.get("/api/v1/moderation/audit", headers=admin.headers)).json()
    entries = audit["entries"] if isinstance(audit, dict) else audit
    return {e["action"]: e for e in entries}


async def out_of_scope(client: Client, runtime: Runtime, alert_id: int) -> None:
    """Another site's moderator neither sees nor reopens the alert."""
    outsider = await make_moderator(runtime, sites=("sport",))
    hidden = await client.get("/api/v1/moderation/protections", headers=outsider.headers)
    assert hidden.json()["alerts"] == []
    refused = await client.post(
        f"/api/v1/moderation/protections/{alert_id}/reopen", headers=outsider.headers
    )
    assert refused.json()["code"] == "alert_not_found"


async def test_held_comments_in_the_window_close_the_story_until_reopened(
    client: Client, runtime: Runtime, clock: FrozenClock, consumer: ProtectionConsumer
) -> None:
    recorder = Recorder()
    runtime.relay.add(recorder)
    story = await make_story(runtime, premoderated=True)
    reader = await make_reader(runtime)
    for _ in range(2):
        assert (await make_comment(runtime, reader, story))["status"] == "pending"
    await drain(runtime, consumer)
    assert (await story_view(client, story))["status"] == "open"
    clock.advance(minutes=61)  # those two leave the window
    for _ in range(2):
        await make_comment(runtime, reader, story)
    await drain(runtime, consumer)
    assert (await story_view(client, story))["status"] == "open"
    clock.advance(minutes=1)
    await make_comment(runtime, reader, story)
    await drain(runtime, consumer)
    await drain(runtime, consumer)  # nothing counted twice, nothing done twice
    view = await story_view(client, story)
    assert view["status"] == "closed"
    assert view["message"] == MESSAGE
    await runtime.relay.catch_up()
    assert "story.updated" in recorder.names()
    assert recorder.names("section.") == ["section.protected"]
    posted = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "More"},
        headers=reader.headers,
    )
    assert posted.json()["code"] == "story_closed"

    moderator = await make_moderator(runtime)
    alerts = await client.get("/api/v1/moderation/protections", headers=moderator.headers)
    assert alerts.status_code == 200, alerts.text
    [alert] = alerts.json()["alerts"]
    assert (alert["story_id"], alert["kind"], alert["count"], alert["threshold"]) == (
        story,
        "held",
        3,
        3,
    )
    assert alert["reopened_at"] is None
    await out_of_scope(client, runtime, alert["id"])

    clock.advance(minutes=5)
    reopened = await client.post(
        f"/api/v1/moderation/protections/{alert['id']}/reopen", headers=moderator.headers
    )
    assert reopened.status_code == 200, reopened.text
    view = await story_view(client, story)
    assert (view["status"], view["message"]) == ("open", None)
    again = await client.post(
        f"/api/v1/moderation/protections/{alert['id']}/reopen", headers=moderator.headers
    )
    assert again.json()["code"] == "already_reopened"
    assert (await client.get("/api/v1/moderation/protections", headers=moderator.headers)).json()[
        "alerts"
    ] == []

    # Only what comes after the reopening counts: one more held comment does not close it.
    clock.advance(minutes=1)
    await make_comment(runtime, reader, story)
    await drain(runtime, consumer)
    assert (await story_view(client, story))["status"] == "open"

    actions = await audit_actions(client, runtime)
    assert actions["section.protected"]["actor_id"] is None
    assert actions["section.protected"]["actor_name"] == "Rejoinder (automatic rule)"
    assert actions["section.protected"]["after"]["status"] == "closed"
    assert "3 held in 60 min" in actions["section.protected"]["reason"]
    assert actions["section.reopened"]["actor_id"] == moderator.account_id


async def test_reports_trigger_it_and_other_sites_have_no_rule(
    client: Client, runtime: Runtime, consumer: ProtectionConsumer
) -> None:
    story, sport = await make_story(runtime), await make_story(runtime, site="sport")
    author = await make_reader(runtime)
    target = await make_comment(runtime, author, story)
    elsewhere = await make_comment(runtime, author, sport, site="sport")
    for _ in range(2):
        reporter = await make_reader(runtime)
        me = await viewer(runtime, reporter.account_id)
        await report(runtime, me, target["id"], "abuse", None, client="test")
        await report(runtime, me, elsewhere["id"], "abuse", None, client="test")
    await drain(runtime, consumer)
    assert (await story_view(client, story))["status"] == "closed"
    sport_view = await client.get(f"/api/v1/sites/sport/stories/{sport}/comments")
    assert sport_view.json()["story"]["status"] == "open"
    admin = await make_moderator(runtime, admin=True)
    [alert] = (
        await client.get(
            "/api/v1/moderation/protections", params={"site": "news"}, headers=admin.headers
        )
    ).json()["alerts"]
    assert alert["kind"] == "reports"


async def test_a_story_the_newsroom_closed_is_left_alone(
    client: Client, runtime: Runtime, consumer: ProtectionConsumer
) -> None:
    story = await make_story(runtime, premoderated=True)
    reader = await make_reader(runtime)
    for _ in range(3):
        await make_comment(runtime, reader, story)
    # The newsroom closes it before the rule's consumer gets to those comments.
    await make_story(runtime, key=story, premoderated=True, status="closed", message="Closed.")
    await drain(runtime, consumer)
    view = await story_view(client, story)
    assert (view["status"], view["message"]) == ("closed", "Closed.")
    admin = await make_moderator(runtime, admin=True)
    alerts = await client.get("/api/v1/moderation/protections", headers=admin.headers)
    assert alerts.json()["alerts"] == []


async def test_the_hide_action_hides_the_whole_section_until_reopened(
    client: Client, runtime: Runtime, consumer: ProtectionConsumer
) -> None:
    site = runtime.settings.site("news")
    assert site is not None
    assert site.protection is not None
    site.protection.action = "hide"
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    shown = await make_comment(runtime, reader, story, "Visible before")
    reply = await make_comment(runtime, reader, story, "A reply", parent_id=shown["id"])
    for _ in range(2):
        someone = await viewer(runtime, (await make_reader(runtime)).account_id)
        await report(runtime, someone, shown["id"], "abuse", None, client="test")
    await drain(runtime, consumer)

    page = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert page["story"]["status"] == "hidden"
    assert page["story"]["message"] == MESSAGE
    assert page["comments"] == []
    assert (await client.get(f"/api/v1/comments/{reply['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/comments/{shown['id']}/replies")).status_code == 404
    posted = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "More"},
        headers=reader.headers,
    )
    assert posted.json()["code"] == "story_closed"

    moderator = await make_moderator(runtime)
    [alert] = (
        await client.get("/api/v1/moderation/protections", headers=moderator.headers)
    ).json()["alerts"]
    assert alert["action"] == "hide"
    entries = await audit_actions(client, runtime)
    assert entries["section.protected"]["after"]["status"] == "hidden"
    reopened = await client.post(
        f"/api/v1/moderation/protections/{alert['id']}/reopen", headers=moderator.headers
    )
    assert reopened.status_code == 200, reopened.text
    page = (await client.get(f"/api/v1/sites/news/stories/{story}/comments")).json()
    assert page["story"]["status"] == "open"
    assert [c["id"] for c in page["comments"]] == [shown["id"]]
    entries = await audit_actions(client, runtime)
    assert entries["section.reopened"]["before"]["status"] == "hidden"
