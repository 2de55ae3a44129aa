"""Posting: every refusal code, in the public order of precedence, and malformed input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from factories import make_reader, make_story
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


def url(story: str, site: str = "news") -> str:
    return f"/api/v1/sites/{site}/stories/{story}/comments"


async def post(
    client: Client, story: str, body: Any, headers: dict[str, str] | None = None, **extra: Any
) -> Any:
    payload = body if isinstance(body, dict) else {"body": body, **extra}
    return await client.post(url(story), json=payload, headers=headers or {})


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["detail"]
    return body


async def test_anonymous_gets_401(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    problem(await post(client, story, "hi"), 401, "authentication_required")


async def test_invalid_token_gets_401(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    response = await post(client, story, "hi", {"Authorization": "Bearer nope"})
    problem(response, 401, "invalid_token")


@pytest.mark.parametrize("plan", ["free", "reactor"])
async def test_plan_without_comment_names_the_plan(
    client: Client, runtime: Runtime, plan: str
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime, plan=plan, display_name=None, status="banned")
    body = problem(
        await post(client, story, "", reader.headers), 403, "plan_does_not_allow_commenting"
    )
    assert runtime.settings.plan(plan).name in body["detail"]  # type: ignore[union-attr]


async def test_display_name_required_points_to_profile(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime, status="closed")
    reader = await make_reader(runtime, display_name=None, status="banned")
    body = problem(await post(client, story, "", reader.headers), 403, "display_name_required")
    assert "Profile section" in body["detail"]
    assert body["profile_url"] == "http://rejoinder.test/account/profile"


async def test_suspended_and_banned(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime, status="closed")
    suspended = await make_reader(
        runtime, status="suspended", status_until=clock.now() + timedelta(days=2)
    )
    body = problem(await post(client, story, "", suspended.headers), 403, "account_suspended")
    assert body["until"]
    banned = await make_reader(runtime, status="banned")
    problem(await post(client, story, "", banned.headers), 403, "account_banned")


async def test_closed_story_comes_before_body_rules(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime, status="closed")
    reader = await make_reader(runtime)
    problem(await post(client, story, "   ", reader.headers), 409, "story_closed")


async def test_close_at_closes(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime, close_at=clock.now() + timedelta(hours=1))
    reader = await make_reader(runtime)
    assert (await post(client, story, "before", reader.headers)).status_code == 201
    clock.advance(hours=2)
    problem(await post(client, story, "after", reader.headers), 409, "story_closed")


@pytest.mark.parametrize("body", ["", "   ", "\n\t\n", "\x00\x01\u200b", "\u202e"])
async def test_empty_comment(client: Client, runtime: Runtime, body: str) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    problem(await post(client, story, body, reader.headers), 422, "comment_empty")


async def test_too_long_comment_and_the_limit(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    body = problem(await post(client, story, "x" * 5001, reader.headers), 422, "comment_too_long")
    assert body["max_length"] == 5000
    assert (await post(client, story, "x" * 5000, reader.headers)).status_code == 201


async def test_rate_limited_with_retry_after(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    for n in range(runtime.settings.comments.rate_limit_count):
        assert (await post(client, story, f"c{n}", reader.headers)).status_code == 201
    response = await post(client, story, "one too many", reader.headers)
    problem(response, 429, "rate_limited")
    assert 1 <= int(response.headers["retry-after"]) <= 60
    # validation still comes before the rate limit
    problem(await post(client, story, " ", reader.headers), 422, "comment_empty")
    clock.advance(seconds=61)
    assert (await post(client, story, "later", reader.headers)).status_code == 201


async def test_unknown_site_story_and_parent(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    other = await make_story(runtime)
    reader = await make_reader(runtime)
    response = await client.post(url(story, "nope"), json={"body": "x"}, headers=reader.headers)
    problem(response, 404, "site_not_found")
    problem(await post(client, "missing", "x", reader.headers), 404, "story_not_found")
    problem(await post(client, story, "x", reader.headers, parent_id=999), 422, "parent_not_found")
    elsewhere = (await post(client, other, "x", reader.headers)).json()["comment"]["id"]
    problem(
        await post(client, story, "x", reader.headers, parent_id=elsewhere), 422, "parent_not_found"
    )


@pytest.mark.parametrize(
    "payload",
    [
        b"{",
        b"[]",
        b'{"body": 5}',
        b'{"body": null}',
        b'{"text": "hi"}',
        b'{"body": "hi", "parent_id": "x"}',
        b'{"body": "hi", "parent_id": -1}',
        b'{"body": "hi", "parent_id": 99999999999999999999999}',
        b'{"body": "hi", "extra": 1}',
        b"\xff\xfe",
    ],
)
async def test_malformed_input_is_a_4xx_problem(
    client: Client, runtime: Runtime, payload: bytes
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    response = await client.post(
        url(story),
        content=payload,
        headers={**reader.headers, "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/sites/news/stories/x/comments?sort=best",
        "/api/v1/sites/news/stories/x/comments?limit=0",
        "/api/v1/sites/news/stories/x/comments?limit=abc",
        "/api/v1/sites/news/stories/x/comments?cursor=%%%",
        "/api/v1/sites/news/stories/x/comments?cursor=bm90IGpzb24",
        "/api/v1/sites/news/stories/y/comments?url=javascript:alert(1)",
        "/api/v1/sites/news/stories/y/comments?url=http://[::1",
        "/api/v1/comments/abc",
        "/api/v1/comments/0",
        "/api/v1/comments/99999999999999999999999",
        "/api/v1/comments/1/replies?cursor=W10",
        "/api/v1/sites/news/counts",
    ],
)
async def test_malformed_reads_are_4xx(client: Client, runtime: Runtime, path: str) -> None:
    await make_story(runtime, key="x")
    response = await client.get(path)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["code"]


async def test_bad_idempotency_key(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    response = await post(client, story, "x", {**reader.headers, "Idempotency-Key": "a b"})
    problem(response, 422, "idempotency_key_invalid")
