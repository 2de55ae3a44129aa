"""Stories: the publisher's upsert, lazy creation from allowed domains, auto-close, counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import msgspec
import pytest

from factories import ADMIN_HEADERS, make_comment, make_reader, make_story
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import SiteSettings

Client = httpx.AsyncClient
STORY = {"title": "Storm hits coast", "url": "https://news.test/storm"}


async def put_story(
    client: Client,
    key: str,
    body: dict[str, Any],
    site: str = "news",
    headers: dict[str, str] = ADMIN_HEADERS,
) -> Any:
    return await client.put(f"/api/v1/admin/sites/{site}/stories/{key}", json=body, headers=headers)


async def comments(client: Client, key: str, **params: Any) -> Any:
    return await client.get(f"/api/v1/sites/news/stories/{key}/comments", params=params)


async def test_put_creates_then_updates(client: Client, clock: FrozenClock) -> None:
    created = await put_story(client, "storm", STORY)
    assert created.status_code == 200, created.text
    assert created.json()["created"] is True
    assert created.json()["status"] == "open"
    updated = await put_story(client, "storm", {**STORY, "status": "closed", "message": "Be kind."})
    body = updated.json()
    assert (body["created"], body["status"], body["message"]) == (False, "closed", "Be kind.")
    public = (await comments(client, "storm")).json()["story"]
    assert public == {
        "id": "storm",
        "title": "Storm hits coast",
        "url": STORY["url"],
        "status": "closed",
        "comment_count": 0,
        "message": "Be kind.",
    }


@pytest.mark.parametrize(
    ("headers", "code"),
    [({}, "admin_key_required"), ({"Authorization": "Bearer wrong"}, "invalid_admin_key")],
)
async def test_put_needs_the_admin_key(client: Client, headers: dict[str, str], code: str) -> None:
    response = await put_story(client, "storm", STORY, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": "", "url": "https://x.test"},
        {"title": "t", "url": "javascript:alert(1)"},
        {**STORY, "status": "archived"},
        {**STORY, "close_at": "tomorrow"},
        {**STORY, "x": 1},
    ],
)
async def test_put_validates(client: Client, body: dict[str, Any]) -> None:
    response = await put_story(client, "storm", body)
    assert 400 <= response.status_code < 500
    assert response.json()["code"]


async def test_unknown_site(client: Client) -> None:
    response = await put_story(client, "storm", STORY, site="elsewhere")
    assert (response.status_code, response.json()["code"]) == (404, "site_not_found")


async def test_lazy_creation_only_from_allowed_domains(client: Client) -> None:
    missing = await comments(client, "lazy")
    assert (missing.status_code, missing.json()["code"]) == (404, "story_not_found")
    refused = await comments(client, "lazy", url="https://evil.test/lazy")
    assert (refused.status_code, refused.json()["code"]) == (403, "domain_not_allowed")
    sport = await comments(client, "lazy", url="https://sport.news.test/lazy")
    assert sport.json()["code"] == "domain_not_allowed"  # another site's domain
    made = await comments(client, "lazy", url="https://www.news.test/lazy", title="Lazy one")
    assert made.status_code == 200, made.text
    assert made.json()["story"]["title"] == "Lazy one"
    assert (await comments(client, "lazy")).status_code == 200


async def test_auto_close_after_n_days(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    runtime.settings.sites[0] = msgspec.structs.replace(
        runtime.settings.sites[0], auto_close_days=2
    )
    assert isinstance(runtime.settings.sites[0], SiteSettings)
    published = clock.now() - timedelta(days=1)
    key = await make_story(runtime, published_at=published)
    reader = await make_reader(runtime)
    path = f"/api/v1/sites/news/stories/{key}/comments"
    assert (await client.post(path, json={"body": "x"}, headers=reader.headers)).status_code == 201
    clock.advance(days=1, seconds=1)
    late = await client.post(path, json={"body": "y"}, headers=reader.headers)
    assert (late.status_code, late.json()["code"]) == (409, "story_closed")
    assert (await comments(client, key)).json()["story"]["status"] == "closed"


async def test_counts_for_many_stories(client: Client, runtime: Runtime) -> None:
    a = await make_story(runtime)
    b = await make_story(runtime)
    reader = await make_reader(runtime)
    for _ in range(2):
        await make_comment(runtime, reader, a)
    await make_comment(runtime, reader, b)
    response = await client.get(
        "/api/v1/sites/news/counts", params=[("story", a), ("story", b), ("story", "nope")]
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"counts": {a: 2, b: 1, "nope": 0}}
    assert "max-age" in response.headers["cache-control"]
    assert response.headers["access-control-allow-origin"] == "*"
    too_many = await client.get(
        "/api/v1/sites/news/counts", params=[("story", f"s{n}") for n in range(101)]
    )
    assert too_many.json()["code"] == "too_many_stories"


async def test_count_script_is_served(client: Client) -> None:
    response = await client.get("/count.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"data-rejoinder-count" in response.content
    assert len(response.content) < 4096
