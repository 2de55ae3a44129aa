"""The demo publication is served only in demo mode; its sign-in mints working SSO tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from rejoinder.app import create_app, create_runtime
from rejoinder.demo.config import demo_settings
from rejoinder.demo.seed import seed
from rejoinder.settings import SsoKey

Client = httpx.AsyncClient
LONG_SECRET = "demo-tests-secret-0123456789abcdefghij"


@pytest.fixture
async def demo(database_url: str) -> AsyncIterator[Client]:
    settings = demo_settings(database_url, 8123)
    settings.sso.keys = [SsoKey(kid="demo", algorithm="HS256", secret=LONG_SECRET)]
    runtime = create_runtime(settings)
    await seed(runtime)
    await seed(runtime)  # seeding twice changes nothing
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1:8123"
        ) as client:
            yield client
    finally:
        await runtime.close()


async def test_demo_pages_exist_only_in_demo_mode(client: Client) -> None:
    assert (await client.get("/")).status_code == 404
    assert (await client.get("/articles/harbour-bridge-reopens")).status_code == 404
    response = await client.post("/api/v1/demo/sign-in", json={"reader": "premium"})
    assert response.status_code in {404, 405}


async def test_demo_site_and_sign_in(demo: Client) -> None:
    front = await demo.get("/")
    assert front.status_code == 200
    assert 'data-rejoinder-count="harbour-bridge-reopens"' in front.text
    article = await demo.get("/articles/sakura-forecast-tokyo")
    assert '<html lang="ja">' in article.text
    assert "<rejoinder-comments" in article.text
    assert (await demo.get("/articles/nope")).status_code == 404
    counts = await demo.get("/api/v1/sites/demo/counts?story=harbour-bridge-reopens")
    assert counts.json()["counts"] == {"harbour-bridge-reopens": 7}

    token = (await demo.post("/api/v1/demo/sign-in", json={"reader": "premium"})).json()["token"]
    grant = (await demo.post("/api/v1/auth/sso", json={"token": token})).json()
    assert grant["account"]["display_name"] == "Ned Leeds"
    assert grant["account"]["can_comment"] is True

    fresh = []
    for _ in range(2):
        token = (await demo.post("/api/v1/demo/sign-in", json={"reader": "digital-new"})).json()
        account = (await demo.post("/api/v1/auth/sso", json=token)).json()["account"]
        assert account["comment_blocked"]["code"] == "display_name_required"
        fresh.append(account["id"])
    assert fresh[0] != fresh[1], "every visitor meets the display-name prompt"

    unknown = await demo.post("/api/v1/demo/sign-in", json={"reader": "root"})
    assert unknown.status_code == 404


async def test_demo_moderator_moderates_the_demo_site(demo: Client) -> None:
    token = (await demo.post("/api/v1/demo/sign-in", json={"reader": "moderator"})).json()
    grant = (await demo.post("/api/v1/auth/sso", json=token)).json()
    headers = {"Authorization": f"Bearer {grant['access_token']}"}
    config = await demo.get("/api/v1/moderation/config", headers=headers)
    assert config.status_code == 200, config.text
    assert config.json()["sites"] == ["demo"]
    counts = (await demo.get("/api/v1/moderation/counts", headers=headers)).json()
    assert counts["pending"] == 1  # the threat held on the bike-lanes story
    assert counts["reported"] == 1


async def test_demo_sign_in_refuses_deep_and_lax_bodies(demo: Client) -> None:
    deep = '{"reader":' + "[" * 5000 + "]" * 5000 + "}"
    nested = await demo.post(
        "/api/v1/demo/sign-in", content=deep, headers={"content-type": "application/json"}
    )
    assert nested.status_code == 400, nested.text
    assert nested.json()["code"] == "json_too_deep"
    extra = await demo.post("/api/v1/demo/sign-in", json={"reader": "premium", "x": 1})
    assert extra.status_code == 422, extra.text


async def test_the_subscribe_page_leads_back_to_the_article_it_came_from(demo: Client) -> None:
    came = await demo.get(
        "/demo/subscribe",
        headers={"Referer": "http://127.0.0.1:8123/articles/council-votes-bike-lanes?x=1"},
    )
    assert 'href="/articles/council-votes-bike-lanes#comments"' in came.text
    assert "Back to “Council votes for 40 km of protected bike lanes”" in came.text
    for referer in ("http://elsewhere.test/articles/nope", "http://127.0.0.1:8123/"):
        other = await demo.get("/demo/subscribe", headers={"Referer": referer})
        assert '<a href="/">Back to the front page</a>' in other.text
    assert '<a href="/">Back to the front page</a>' in (await demo.get("/demo/subscribe")).text


async def test_plan_names_and_badges_come_in_the_page_language(demo: Client) -> None:
    config = (await demo.get("/api/v1/sites/demo/widget")).json()
    assert config["terms"]["ja"] == {"Free": "無料", "Digital": "デジタル", "Premium": "プレミアム"}
    page = await demo.get("/account?lang=ja")
    assert 'data-terms="{&#34;Free&#34;: &#34;無料&#34;' in page.text
    assert 'data-terms="{}"' in (await demo.get("/account?lang=en")).text
