"""An anonymous reader's first page that is not cached is read by the fast path itself
(filling the cache), without Litestar; what it cannot answer (a story to create, a signed-in
reader it does not know, an error) goes to Litestar, whose answers are the contract."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from factories import make_comment, make_reader, make_story
from rejoinder.app import create_app
from rejoinder.comments.cache import NullPageCache
from rejoinder.comments.fastpath import FastPath
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings

PAGE = "/api/v1/sites/news/stories/{}/comments"


class Routed:
    """Counts the requests that reach Litestar behind the fast path."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.inner(scope, receive, send)


@pytest.fixture
async def served(
    settings: Settings, runtime: Runtime
) -> AsyncIterator[tuple[httpx.AsyncClient, Routed]]:
    app = create_app(settings, runtime=runtime)
    # In front of everything (hits are not access-logged by default): what it leaves goes
    # to Litestar's entry, ``asgi_handler``.
    assert isinstance(app.front, FastPath)
    routed = Routed(app.asgi_handler)
    app.asgi_handler = routed
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        yield http, routed


async def test_an_anonymous_miss_is_read_without_litestar_and_fills_the_cache(
    served: tuple[httpx.AsyncClient, Routed], runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    client, routed = served
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(3):
        await make_comment(runtime, reader, story, f"comment {n}")
    with caplog.at_level(logging.INFO, logger="rejoinder.access"):
        first = await client.get(PAGE.format(story))
    assert first.status_code == 200
    assert routed.paths == []
    assert [c["body_html"] for c in first.json()["comments"]] == [
        "<p>comment 2</p>",
        "<p>comment 1</p>",
        "<p>comment 0</p>",
    ]
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["x-request-id"]
    # The read is access-logged like any request Litestar routes (hits are not, by default).
    lines = [r for r in caplog.records if r.name == "rejoinder.access"]
    assert len(lines) == 1
    assert lines[0].route == "/api/v1/sites/{site}/stories/{story_id}/comments"  # type: ignore[attr-defined]
    assert lines[0].status == 200  # type: ignore[attr-defined]
    again = await client.get(PAGE.format(story))  # now a hit: the same bytes
    assert again.content == first.content
    signed_in = await client.get(PAGE.format(story), headers=reader.headers)
    assert signed_in.status_code == 200  # Litestar looks the token up once, then caches it
    assert routed.paths == [PAGE.format(story)]


async def test_what_the_fast_path_cannot_answer_goes_to_litestar(
    served: tuple[httpx.AsyncClient, Routed], runtime: Runtime
) -> None:
    client, routed = served
    missing = await client.get(PAGE.format("no-such-story"))
    assert missing.status_code == 404
    assert missing.json()["code"] == "story_not_found"
    unknown_site = await client.get("/api/v1/sites/nowhere/stories/x/comments")
    assert unknown_site.status_code == 404
    bad_limit = await client.get(PAGE.format("x"), params={"limit": "0"})
    assert bad_limit.status_code in (400, 422)
    created = await client.get(
        PAGE.format("a-new-story"), params={"url": "https://news.test/a-new-story"}
    )
    assert created.status_code == 200
    assert created.json()["comments"] == []
    assert routed.paths == [
        PAGE.format("no-such-story"),
        "/api/v1/sites/nowhere/stories/x/comments",
        PAGE.format("x"),
        PAGE.format("a-new-story"),
    ]


async def test_with_the_cache_off_every_anonymous_read_is_answered_here(
    served: tuple[httpx.AsyncClient, Routed], runtime: Runtime
) -> None:
    client, routed = served
    runtime.cache = NullPageCache()
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    await make_comment(runtime, reader, story, "one")
    first = await client.get(PAGE.format(story))
    await make_comment(runtime, reader, story, "two")
    second = await client.get(PAGE.format(story), headers={"Accept-Encoding": "br"})
    assert [c["body_html"] for c in first.json()["comments"]] == ["<p>one</p>"]
    assert second.headers.get("content-encoding") == "br"
    assert [c["body_html"] for c in second.json()["comments"]] == ["<p>two</p>", "<p>one</p>"]
    assert routed.paths == []


async def test_an_anonymous_later_page_is_read_here_and_a_bad_cursor_goes_to_litestar(
    served: tuple[httpx.AsyncClient, Routed], runtime: Runtime
) -> None:
    client, routed = served
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(5):
        await make_comment(runtime, reader, story, f"comment {n}")
    first = (await client.get(PAGE.format(story), params={"limit": 2})).json()
    cursor = first["next_cursor"]
    assert cursor
    later = await client.get(PAGE.format(story), params={"limit": 2, "cursor": cursor})
    assert later.status_code == 200
    assert [c["body_html"] for c in later.json()["comments"]] == [
        "<p>comment 2</p>",
        "<p>comment 1</p>",
    ]
    assert later.headers["cache-control"] == "no-cache"
    assert routed.paths == []  # neither page reached Litestar
    bad = await client.get(PAGE.format(story), params={"cursor": "not-a-cursor"})
    assert bad.status_code in (400, 422)
    assert bad.json()["code"]
    signed_in = await client.get(
        PAGE.format(story), params={"limit": 2, "cursor": cursor}, headers=reader.headers
    )
    assert signed_in.status_code == 200
    assert routed.paths == [PAGE.format(story), PAGE.format(story)]


async def test_a_hit_answers_the_requests_own_headers_from_the_pages_made_once(
    served: tuple[httpx.AsyncClient, Routed], runtime: Runtime
) -> None:
    """A hit's headers are the page's, made once (plain and brotli), plus the request's
    own: a sane incoming request id kept, an odd one replaced, a fresh one otherwise."""
    client, routed = served
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(3):  # above the compression minimum
        text = " ".join(["I agree with the points made in this story."] * 12)
        await make_comment(runtime, reader, story, f"{text} ({n})")
    plain = {"Accept-Encoding": "identity"}  # httpx asks for brotli by default
    miss = await client.get(PAGE.format(story), headers=plain)
    kept = await client.get(PAGE.format(story), headers={**plain, "X-Request-Id": "edge-7f3a.1"})
    odd = await client.get(PAGE.format(story), headers={**plain, "X-Request-Id": "a b"})
    fresh = [await client.get(PAGE.format(story), headers=plain) for _ in range(2)]
    packed = await client.get(PAGE.format(story), headers={"Accept-Encoding": "gzip, br"})
    assert kept.headers["x-request-id"] == "edge-7f3a.1"
    assert odd.headers["x-request-id"] not in ("a b", "")
    assert len({r.headers["x-request-id"] for r in (miss, odd, *fresh)}) == 4
    for response in (kept, odd, *fresh):
        assert response.content == miss.content
        assert response.headers["content-length"] == str(len(miss.content))
        assert response.headers["vary"] == "Origin, Authorization, Accept-Encoding"
        assert "content-encoding" not in response.headers
    assert packed.headers["content-encoding"] == "br"
    assert int(packed.headers["content-length"]) < len(miss.content) / 2
    assert packed.json() == miss.json()  # httpx decodes brotli
    assert routed.paths == []


def test_the_router_remembers_page_addresses_but_not_long_ones() -> None:
    from rejoinder.comments.fastpath import Router

    route = Router(page_size=20, most=100)
    path = PAGE.format("a-story")
    first = route(path, b"sort=oldest&limit=150")
    assert first is not None
    assert (first.site, first.story, first.sort, first.limit) == ("news", "a-story", "oldest", 150)
    assert first.key.endswith("\x00oldest\x00100")  # at most ``most``
    default = route(path, b"")
    assert default is not None
    assert default.key.endswith("\x00newest\x0020")
    assert route(path, b"limit=500") is None  # out of range: Litestar's 400
    assert route(path, b"") is route(path, b"")  # remembered
    assert route("/api/v1/me", b"") is None
    assert route(path, b"unknown=1") is None  # Litestar answers what it does not know
    cursor = b"cursor=" + b"x" * 600
    long = route(path, cursor)
    assert long is not None
    assert long.cursor == "x" * 600
    assert route(path, cursor) is not long  # parsed again: a long address is not kept
