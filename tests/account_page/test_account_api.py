"""The account page's API: notification preferences, my comments, export, deletion."""

from __future__ import annotations

import json

import httpx
import pytest

from factories import Reader, make_reader, record_events, viewer
from rejoinder.account_page.service import purge_due_deletions
from rejoinder.comments.service import create_comment
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.stories.schemas import StoryUpsert
from rejoinder.stories.service import upsert_story

Client = httpx.AsyncClient
NOT_PENDING = {"pending": False, "requested_at": None, "delete_after": None}


async def story(runtime: Runtime, key: str = "a-story") -> str:
    site = runtime.settings.site("news")
    assert site is not None
    await upsert_story(
        runtime, site, key, StoryUpsert(title="A story", url=f"https://news.test/{key}")
    )
    return key


async def comment(
    runtime: Runtime, reader: Reader, key: str, body: str, parent: int | None = None
) -> int:
    stored = await create_comment(
        runtime,
        await viewer(runtime, reader.account_id),
        "news",
        key,
        body,
        parent,
        idempotency_key=None,
        client="test",
    )
    return int(json.loads(stored.body)["comment"]["id"])


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me/notifications",
        "/api/v1/me/notification-settings",
        "/api/v1/me/comments",
        "/api/v1/me/replies",
        "/api/v1/me/export",
        "/api/v1/me/deletion",
    ],
)
async def test_every_endpoint_needs_a_reader(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"


async def test_notification_settings_default_then_saved(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    recorder = record_events(runtime)
    url = "/api/v1/me/notification-settings"
    defaults = {
        "reply": True,
        "featured": True,
        "moderation": True,
        "staff_reply": True,
        "email": "off",
        "time_zone": None,
        "language": None,
    }
    response = await client.get(url, headers=reader.headers)
    assert response.json() == defaults
    response = await client.put(url, json={"email": "daily"}, headers=reader.headers)
    assert response.status_code == 200
    assert response.json() == {**defaults, "email": "daily"}
    response = await client.put(
        url, json={"reply": False, "time_zone": "Asia/Tokyo"}, headers=reader.headers
    )
    assert response.json() == {
        **defaults,
        "reply": False,
        "email": "daily",
        "time_zone": "Asia/Tokyo",
    }
    assert (await client.get(url, headers=reader.headers)).json()["email"] == "daily"
    assert recorder.names("account.notifications_changed") == ["account.notifications_changed"] * 2
    bad = await client.put(url, json={"email": "hourly"}, headers=reader.headers)
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_failed"
    zone = await client.put(url, json={"time_zone": "Mars/Olympus"}, headers=reader.headers)
    assert zone.status_code == 422
    assert zone.json()["code"] == "unknown_time_zone"


async def test_my_comments_and_replies(client: Client, runtime: Runtime) -> None:
    runtime.settings.comments.rate_limit_count = 100
    key = await story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    ids = [await comment(runtime, me, key, f"Mine {n}") for n in range(23)]
    reply = await comment(runtime, other, key, "A reply to you", ids[0])
    await comment(runtime, other, key, "Not a reply to me")

    page = (await client.get("/api/v1/me/comments", headers=me.headers)).json()
    assert [c["id"] for c in page["comments"]] == ids[::-1][:20]
    first = page["comments"][0]
    assert first["story"] == {
        "site": "news",
        "id": key,
        "title": "A story",
        "url": f"https://news.test/{key}",
    }
    assert first["permalink"] == f"https://news.test/{key}#comment-{ids[-1]}"
    assert first["status"] == "published"
    rest = (
        await client.get(f"/api/v1/me/comments?cursor={page['next_cursor']}", headers=me.headers)
    ).json()
    assert [c["id"] for c in rest["comments"]] == ids[::-1][20:]
    assert rest["next_cursor"] is None

    replies = (await client.get("/api/v1/me/replies", headers=me.headers)).json()["replies"]
    assert [(r["id"], r["in_reply_to"]) for r in replies] == [(reply, ids[0])]
    bad = await client.get("/api/v1/me/comments?cursor=abc", headers=me.headers)
    assert bad.status_code in {400, 422}


async def test_export_holds_my_data_and_no_secrets(client: Client, runtime: Runtime) -> None:
    key = await story(runtime)
    me = await make_reader(runtime, display_name="Exported Reader")
    mine = await comment(runtime, me, key, "Export me")
    response = await client.get("/api/v1/me/export", headers=me.headers)
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    data = response.json()
    assert data["account"]["display_name"] == "Exported Reader"
    assert data["account"]["external_id"] == me.external_id
    assert not {"password_hash", "display_name_key", "display_name_skeleton"} & set(data["account"])
    assert [c["id"] for c in data["comments"]] == [mine]
    assert "moderation_detail" not in data["comments"][0]
    assert data["display_name_history"][0]["display_name"] == "Exported Reader"
    assert data["plan_history"][0]["plan_id"] == "digital"
    assert data["deletion"] == NOT_PENDING


async def test_deletion_grace_period_cancel_and_purge(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    key = await story(runtime)
    me, other = await make_reader(runtime), await make_reader(runtime)
    mine = await comment(runtime, me, key, "Soon gone")
    await comment(runtime, other, key, "A reply that stays", mine)
    url = "/api/v1/me/deletion"
    assert (await client.get(url, headers=me.headers)).json() == NOT_PENDING
    asked = await client.post(url, headers=me.headers)
    assert asked.status_code == 202
    body = asked.json()
    assert body["pending"] is True
    assert body["delete_after"].startswith("2026-01-19")  # 14 days after the frozen clock
    again = await client.post(url, headers=me.headers)
    assert again.json() == body
    assert (await client.delete(url, headers=me.headers)).status_code == 204
    assert (await client.get(url, headers=me.headers)).json() == NOT_PENDING
    assert (await client.delete(url, headers=me.headers)).status_code == 204

    await client.post(url, headers=me.headers)
    clock.advance(days=13)
    assert await purge_due_deletions(runtime) == []
    clock.advance(days=1, seconds=1)
    assert await purge_due_deletions(runtime) == [me.account_id]
    gone = await client.get("/api/v1/me", headers=me.headers)
    assert gone.status_code == 401
    thread = (await client.get(f"/api/v1/sites/news/stories/{key}/comments")).json()
    tombstone = thread["comments"][0]
    assert tombstone["deleted"] is True
    assert tombstone["author"] is None
    assert tombstone["body_html"] == ""
    assert tombstone["replies"][0]["body_html"].startswith("<p>A reply that stays")
    assert (await client.get("/api/v1/me", headers=other.headers)).status_code == 200
