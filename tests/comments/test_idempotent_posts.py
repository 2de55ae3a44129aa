"""Idempotency-Key: one comment per key and reader, the same response, also concurrently."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from factories import make_reader, make_story
from rejoinder.comments.models import comments
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def count_comments(runtime: Runtime) -> int:
    async with runtime.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(comments))).scalar_one())


def path(story: str) -> str:
    return f"/api/v1/sites/news/stories/{story}/comments"


async def test_retry_returns_the_same_response(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    headers = {**reader.headers, "Idempotency-Key": "post-1"}
    first = await client.post(path(story), json={"body": "Once"}, headers=headers)
    second = await client.post(path(story), json={"body": "Once"}, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert second.headers["idempotent-replayed"] == "true"
    assert await count_comments(runtime) == 1


async def test_same_key_other_request_is_refused(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    headers = {**reader.headers, "Idempotency-Key": "post-2"}
    assert (await client.post(path(story), json={"body": "A"}, headers=headers)).status_code == 201
    other = await client.post(path(story), json={"body": "B"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert await count_comments(runtime) == 1


async def test_keys_are_per_reader(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    for _ in range(2):
        reader = await make_reader(runtime)
        headers = {**reader.headers, "Idempotency-Key": "shared"}
        response = await client.post(path(story), json={"body": "Hi"}, headers=headers)
        assert response.status_code == 201
    assert await count_comments(runtime) == 2


async def test_replay_skips_the_rate_limit(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    headers = {**reader.headers, "Idempotency-Key": "k"}
    first = await client.post(path(story), json={"body": "Hi"}, headers=headers)
    for n in range(runtime.settings.comments.rate_limit_count):
        await client.post(path(story), json={"body": f"x{n}"}, headers=reader.headers)
    again = await client.post(path(story), json={"body": "Hi"}, headers=headers)
    assert again.status_code == 201
    assert again.content == first.content


async def test_key_expires(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    headers = {**reader.headers, "Idempotency-Key": "old"}
    await client.post(path(story), json={"body": "Hi"}, headers=headers)
    clock.advance(hours=runtime.settings.comments.idempotency_ttl_hours + 1)
    again = await client.post(path(story), json={"body": "Hi"}, headers=headers)
    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert await count_comments(runtime) == 2


async def test_concurrent_retries_create_one_comment(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    headers = {**reader.headers, "Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post(path(story), json={"body": "Burst"}, headers=headers) for _ in range(8))
    )
    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    assert await count_comments(runtime) == 1
    page = (await client.get(path(story))).json()
    assert page["story"]["comment_count"] == 1
    assert len(page["comments"]) == 1
