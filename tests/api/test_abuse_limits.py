"""Abuse limits and scoping (issue 13): lazy story creation, name checks, trusted proxies,
moderators' reader panels, and what the sanitiser keeps."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import httpx
import pytest
from sqlalchemy import func, insert, select

from factories import make_comment, make_moderator, make_reader, make_story
from rejoinder.app import create_app
from rejoinder.comments.render import render
from rejoinder.moderation.models import moderator_notes, sanctions
from rejoinder.runtime import Runtime
from rejoinder.settings import ConfigError, Settings, check_settings
from rejoinder.stories.models import stories

Client = httpx.AsyncClient
ClientAt = Callable[..., AbstractAsyncContextManager[Client]]


@pytest.fixture
def client_at(settings: Settings, runtime: Runtime) -> ClientAt:
    """A client whose TCP peer is ``address`` (a proxy, or a reader), on the shared runtime;
    the app is built when the client opens, so a test may change the settings first."""

    @asynccontextmanager
    async def open_client(address: str) -> AsyncIterator[Client]:
        app = create_app(settings, runtime=runtime)
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as c:
            yield c

    return open_client


async def stories_on(runtime: Runtime, site: str) -> int:
    async with runtime.db.read() as conn:
        stmt = select(func.count()).select_from(stories).where(stories.c.site_id == site)
        return int((await conn.execute(stmt)).scalar_one())


async def lazy(client: Client, n: int | str, **headers: str) -> httpx.Response:
    """An embed's first load of a page that has no story yet: creates it."""
    return await client.get(
        f"/api/v1/sites/news/stories/lazy-{n}/comments",
        params={"url": f"https://news.test/lazy-{n}", "title": f"Lazy {n}"},
        headers={"X-Forwarded-For": headers["xff"]} if "xff" in headers else None,
    )


async def test_lazy_story_creation_is_limited_per_address_and_per_site(
    runtime: Runtime, client_at: ClientAt
) -> None:
    site = runtime.settings.sites[0]
    site.lazy_stories_per_address_per_hour = 3
    site.lazy_stories_per_hour = 5
    async with client_at("203.0.113.1") as first, client_at("203.0.113.2") as second:
        for n in range(3):
            assert (await lazy(first, n)).status_code == 200
        refused = await lazy(first, "over")
        assert refused.status_code == 429, refused.text
        assert refused.json()["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
        # Reading stories that exist is never limited.
        for n in range(3):
            assert (await lazy(first, n)).status_code == 200
        # Another address has its own budget, until the site's hourly cap.
        for n in range(3, 5):
            assert (await lazy(second, n)).status_code == 200
        capped = await lazy(second, 5)
        assert capped.status_code == 429, capped.text
    assert await stories_on(runtime, "news") == 5
    # The publisher's own API is not counted.
    assert await make_story(runtime, key="from-the-cms")
    runtime.clock.advance(seconds=3601)  # type: ignore[attr-defined]
    async with client_at("203.0.113.1") as first:
        assert (await lazy(first, "later")).status_code == 200


async def test_anonymous_name_checks_have_one_bucket_per_address(client_at: ClientAt) -> None:
    path, params = "/api/v1/display-names/check", {"name": "Someone New"}
    async with client_at("203.0.113.1") as busy, client_at("203.0.113.2") as calm:
        for _ in range(120):
            assert (await busy.get(path, params=params)).status_code == 200
        assert (await busy.get(path, params=params)).status_code == 429
        assert (await calm.get(path, params=params)).status_code == 200


async def test_forwarded_for_is_believed_only_from_trusted_proxies(
    runtime: Runtime, settings: Settings, client_at: ClientAt
) -> None:
    settings.server.trusted_proxies = ["10.0.0.0/8", "192.0.2.1"]
    runtime.settings.sites[0].lazy_stories_per_address_per_hour = 1
    app_client = client_at("10.20.30.40")  # the load balancer, inside the trusted range
    async with app_client as balancer, client_at("203.0.113.9") as direct:
        for n, reader in enumerate(("198.51.100.1", "198.51.100.2")):
            # The proxy appended the peer it saw; earlier hops cannot be trusted, later ones are
            # trusted proxies: the client is the right-most untrusted address.
            ok = await lazy(balancer, f"p{n}", xff=f"6.6.6.6, {reader}, 192.0.2.1")
            assert ok.status_code == 200, ok.text
        again = await lazy(balancer, "p-again", xff="198.51.100.1")
        assert again.status_code == 429  # the same reader behind the proxy
        # A client that is not a trusted proxy cannot pick its own address.
        assert (await lazy(direct, "d0", xff="1.1.1.1")).status_code == (200)
        spoofed = await lazy(direct, "d1", xff="1.1.1.2")
        assert spoofed.status_code == 429


def test_trusted_proxies_must_be_addresses_or_ranges(settings: Settings) -> None:
    settings.server.trusted_proxies = ["10.0.0.0/8", "::1", "*"]
    check_settings(settings)
    settings.server.trusted_proxies = ["proxy.example"]
    with pytest.raises(ConfigError, match="trusted_proxies"):
        check_settings(settings)


async def test_a_site_moderator_sees_only_their_sites_in_a_readers_panel(
    client: Client, runtime: Runtime
) -> None:
    moderator = await make_moderator(runtime, sites=("news",))
    colleague = await make_moderator(runtime, sites=("news", "sport"))
    admin = await make_moderator(runtime, admin=True)
    reader = await make_reader(runtime)
    sport = await make_story(runtime, site="sport", url="https://sport.news.test/match")
    news = await make_story(runtime)
    for n in range(3):
        await make_comment(runtime, reader, sport, f"Sport comment {n}", site="sport")
    await make_comment(runtime, reader, news, "News comment")
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        for site, reason in (("sport", "sport-only warning"), (None, "network-wide warning")):
            await tx.conn.execute(
                insert(sanctions).values(
                    account_id=reader.account_id,
                    site_id=site,
                    kind="warn",
                    reason=reason,
                    created_by=admin.account_id,
                    created_at=now,
                )
            )
        for author, body in ((admin, "admin note"), (colleague, "colleague note")):
            await tx.conn.execute(
                insert(moderator_notes).values(
                    account_id=reader.account_id,
                    author_id=author.account_id,
                    body=body,
                    created_at=now,
                )
            )
    path = f"/api/v1/moderation/readers/{reader.account_id}"
    scoped = (await client.get(path, headers=moderator.headers)).json()
    assert scoped["counts"] == {"published": 1}
    assert [s["reason"] for s in scoped["sanctions"]] == ["network-wide warning"]
    assert [n["body"] for n in scoped["notes"]] == ["colleague note"]
    full = (await client.get(path, headers=admin.headers)).json()
    assert full["counts"] == {"published": 4}
    assert len(full["sanctions"]) == 2
    assert len(full["notes"]) == 2
    # The comment card's author figures are scoped the same way.
    queue = await client.get(
        "/api/v1/moderation/queues/approved", params={"site": "news"}, headers=moderator.headers
    )
    assert queue.status_code == 200, queue.text
    cards = (
        await client.get("/api/v1/moderation/queues/unmoderated", headers=moderator.headers)
    ).json()
    for card in cards["items"]:
        assert card["author"]["comments"] <= 1


def test_the_sanitiser_keeps_only_the_allow_list() -> None:
    html = render('[a link](https://news.test/x "a title") and\n\n3. three\n4. four')
    assert 'title="' not in html
    assert 'href="https://news.test/x"' in html
    assert '<ol start="3">' in html
    assert "lang=" not in render("plain")
