"""The hot first-page cache: hits skip the database, and events keep it honest."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from factories import make_comment, make_reader, make_story, moderate, viewer
from rejoinder.comments.cache import CachedPage, MemoryPageCache, story_tag
from rejoinder.comments.reading import page_key
from rejoinder.kernel.clock import FrozenClock
from rejoinder.plans.service import sync_subscriber
from rejoinder.profiles.service import update_profile
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def first_page(client: Client, story: str, **params: Any) -> dict[str, Any]:
    response = await client.get(f"/api/v1/sites/news/stories/{story}/comments", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bodies(page: dict[str, Any]) -> list[str]:
    return [c["body_html"] for c in page["comments"]]


async def test_hits_are_served_without_the_database(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    await make_comment(runtime, await make_reader(runtime), story, "cached")
    before = await first_page(client, story)
    real_read, real_run_read = runtime.db.read, runtime.db.run_read

    def no_reads(*_: Any) -> Any:
        raise AssertionError("the database was read on a cache hit")

    runtime.db.read = no_reads  # type: ignore[method-assign]
    runtime.db.run_read = no_reads  # type: ignore[method-assign]
    try:
        assert await first_page(client, story) == before
        assert await first_page(client, story, url="https://news.test/x") == before
    finally:
        runtime.db.read = real_read  # type: ignore[method-assign]
        runtime.db.run_read = real_run_read  # type: ignore[method-assign]


@pytest.mark.parametrize("change", ["edit", "delete", "reject", "react", "new"])
async def test_changes_invalidate(client: Client, runtime: Runtime, change: str) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "original")
    assert bodies(await first_page(client, story)) == ["<p>original</p>"]
    path = f"/api/v1/comments/{comment['id']}"
    if change == "edit":
        await client.patch(path, json={"body": "edited"}, headers=author.headers)
        assert bodies(await first_page(client, story)) == ["<p>edited</p>"]
    elif change == "delete":
        await client.delete(path, headers=author.headers)
        assert (await first_page(client, story))["comments"] == []
    elif change == "reject":
        await moderate(runtime, comment["id"], "reject")
        assert (await first_page(client, story))["comments"] == []
    elif change == "react":
        fan = await make_reader(runtime)
        await client.put(f"{path}/reactions/like", headers=fan.headers)
        assert (await first_page(client, story))["comments"][0]["reactions"] == {"like": 1}
    else:
        await make_comment(runtime, author, story, "second")
        page = await first_page(client, story)
        assert bodies(page) == ["<p>second</p>", "<p>original</p>"]
        assert page["story"]["comment_count"] == 2


async def test_every_sort_and_limit_is_invalidated(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "original")
    variants = [{"sort": s} for s in ("newest", "oldest", "reactions", "replies")]
    variants.append({"limit": "5"})
    for params in variants:
        assert bodies(await first_page(client, story, **params)) == ["<p>original</p>"]
    await client.delete(f"/api/v1/comments/{comment['id']}", headers=author.headers)
    for params in variants:
        assert (await first_page(client, story, **params))["comments"] == []


async def test_signed_in_readers_are_not_served_shared_pages(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    await make_comment(runtime, author, story, "x")
    await first_page(client, story)
    response = await client.get(
        f"/api/v1/sites/news/stories/{story}/comments", headers={"Authorization": "Bearer bad"}
    )
    assert response.status_code == 401


async def test_cached_page_expires_when_the_story_closes(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    from datetime import timedelta

    story = await make_story(runtime, close_at=clock.now() + timedelta(seconds=30))
    assert (await first_page(client, story))["story"]["status"] == "open"
    clock.advance(seconds=31)
    assert (await first_page(client, story))["story"]["status"] == "closed"


async def test_display_name_change_clears_everything(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    await make_comment(runtime, author, story, "x")
    await first_page(client, story)
    runtime.settings.display_names.change_cooldown_days = 0
    await update_profile(runtime, await viewer(runtime, author.account_id), "Renamed Person", None)
    page = await first_page(client, story)
    assert page["comments"][0]["author"]["display_name"] == "Renamed Person"


async def test_a_read_that_raced_an_invalidation_is_not_stored() -> None:
    cache = MemoryPageCache()
    tag = story_tag("news", "a")
    epoch = await cache.epoch()  # a reader starts, reads the old rows...
    await cache.invalidate(tag)  # ...a comment is deleted meanwhile...
    await cache.put("k", (tag,), epoch, CachedPage(b"stale", 1e12))  # ...the reader stores
    assert await cache.get("k", 0) is None
    fresh = await cache.epoch()
    await cache.put("k", (tag,), fresh, CachedPage(b"fresh", 1e12))
    page = await cache.get("k", 0)
    assert page is not None
    assert page.body == b"fresh"


async def test_memory_cache_is_bounded() -> None:
    cache = MemoryPageCache(max_entries=2, max_tags=2)
    for n in range(3):
        await cache.put(f"k{n}", (f"t{n}",), await cache.epoch(), CachedPage(b"x", 1e12))
    assert await cache.get("k0", 0) is None
    assert await cache.get("k2", 0) is not None
    old = await cache.epoch()
    for n in range(3):
        await cache.invalidate(f"other{n}")
    await cache.put("k9", ("t9",), old, CachedPage(b"x", 1e12))  # too old to trust any more
    assert await cache.get("k9", 0) is None
    assert await cache.get("k2", 0) is not None
    await cache.clear()
    assert await cache.get("k2", 0) is None


async def test_cache_hits_answer_cors_like_the_router(client: Client, runtime: Runtime) -> None:
    """A publisher's page on an allowed domain must read cached pages too."""
    story = await make_story(runtime)
    await make_comment(runtime, await make_reader(runtime), story, "shared")
    url = f"/api/v1/sites/news/stories/{story}/comments"
    allowed = {"Origin": "https://www.news.test"}
    miss = await client.get(url, headers=allowed)
    hit = await client.get(url, headers=allowed)
    assert miss.json() == hit.json()
    for response in (miss, hit):
        assert response.headers["access-control-allow-origin"] == "https://www.news.test"
    foreign = await client.get(url, headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in foreign.headers
    assert "Origin" in hit.headers["vary"]


async def test_a_plan_change_updates_the_badge_on_cached_pages(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime, plan="premium")
    await make_comment(runtime, author, story, "Subscribers get a badge next to their name.")
    assert (await first_page(client, story))["comments"][0]["author"]["badges"] == ["Premium"]
    size = runtime.settings.comments.page_size
    cached = await runtime.cache.get(page_key("news", story, "newest", size), 0)
    assert cached is not None  # the page is served from the cache now
    await sync_subscriber(runtime, author.external_id, "digital")
    assert (await first_page(client, story))["comments"][0]["author"]["badges"] == []


async def test_an_erased_reader_leaves_every_cached_page(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    from rejoinder.account_page.service import (
        DELETION_GRACE_DAYS,
        purge_due_deletions,
        request_deletion,
    )

    stories = [await make_story(runtime) for _ in range(2)]
    author = await make_reader(runtime, display_name="Erased Person")
    other = await make_reader(runtime)
    for story in stories:
        await make_comment(runtime, author, story, "secret words")
        await make_comment(runtime, other, story, "stays")
        assert "secret words" in str(await first_page(client, story))
    await request_deletion(runtime, await viewer(runtime, author.account_id))
    clock.advance(days=DELETION_GRACE_DAYS, seconds=1)
    assert author.account_id in await purge_due_deletions(runtime)
    for story in stories:
        page = await first_page(client, story)
        assert "secret words" not in str(page)
        assert "Erased Person" not in str(page)
        assert "<p>stays</p>" in bodies(page)


async def test_signed_in_readers_get_the_cached_page_with_their_overlay(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    me = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "shared")
    await client.put(f"/api/v1/comments/{comment['id']}/reactions/like", headers=me.headers)
    url = f"/api/v1/sites/news/stories/{story}/comments"
    anonymous = (await client.get(url)).json()
    assert anonymous["comments"][0]["reacted"] == []
    first = await client.get(url, headers=me.headers)  # through Litestar: looks the token up
    again = await client.get(url, headers=me.headers)  # the fast path: cached page + overlay
    for response in (first, again):
        assert response.status_code == 200
        assert response.headers["cache-control"] == "private, no-cache"
        assert response.json()["comments"][0]["reacted"] == ["like"]
    assert first.json() == again.json()
    assert (await client.get(url)).json() == anonymous  # nobody else sees the overlay
    assert (await client.post("/api/v1/auth/logout", headers=me.headers)).status_code == 204
    gone = await client.get(url, headers=me.headers)
    assert gone.status_code == 401
    assert gone.json()["code"] == "invalid_token"


async def test_readers_with_nothing_on_a_page_get_it_without_a_read_of_their_own(
    client: Client, runtime: Runtime
) -> None:
    story = await make_story(runtime, premoderated=True)
    author, me, other = [await make_reader(runtime) for _ in range(3)]
    comment = await make_comment(runtime, author, story, "shared")
    await moderate(runtime, comment["id"], "approve")
    url = f"/api/v1/sites/news/stories/{story}/comments"
    for reader in (me, other):  # the page is cached, the viewers known, the participants read
        assert (await client.get(url, headers=reader.headers)).status_code == 200
    anonymous = (await client.get(url)).json()
    reads = 0
    real = runtime.db.run_read

    async def counted(*args: Any) -> Any:
        nonlocal reads
        reads += 1
        return await real(*args)

    runtime.db.run_read = counted  # type: ignore[method-assign]
    try:
        for reader in (me, other, me):
            response = await client.get(url, headers=reader.headers)
            assert response.json() == anonymous
        assert reads == 0
        # A held comment of mine drops the page; on the rebuilt one I see it, nobody else does.
        posted = await client.post(url, json={"body": "held for review"}, headers=me.headers)
        assert posted.status_code == 201, posted.text
        assert posted.json()["moderation"]["status"] == "pending"
        mine = (await client.get(url, headers=me.headers)).json()
        assert [c["body_html"] for c in mine["comments"]][:1] == ["<p>held for review</p>"]
        assert (await client.get(url, headers=other.headers)).json() == anonymous
        # A reaction of the other reader's is theirs alone, at once.
        reacted = await client.put(
            f"/api/v1/comments/{comment['id']}/reactions/like", headers=other.headers
        )
        assert reacted.status_code in (200, 201, 204), reacted.text
        theirs = (await client.get(url, headers=other.headers)).json()
        assert theirs["comments"][-1]["reacted"] == ["like"]
        assert (await client.get(url)).json()["comments"][-1]["reacted"] == []
    finally:
        runtime.db.run_read = real  # type: ignore[method-assign]
