"""Exports: JSON Lines from the command and the admin API, and the round trip."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest

from conftest import RsaPair, fresh_database, make_settings
from factories import ADMIN_HEADERS, make_comment, make_reader, make_story
from imports.support import FIXTURES, run_import
from rejoinder.app import create_runtime
from rejoinder.comments.editing import edit_comment
from rejoinder.imports.exports import export_lines
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Database


@pytest.fixture
def empty_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database to import into."""
    yield from fresh_database(template_database, tmp_path, "rt")


@pytest.fixture
async def empty(empty_url: str, rsa_key: RsaPair) -> AsyncIterator[Runtime]:
    runtime = create_runtime(make_settings(empty_url, rsa_key), clock=FrozenClock())
    try:
        yield runtime
    finally:
        await runtime.close()


async def _export(db: Database, path: Path, *, with_emails: bool = False) -> list[dict]:
    from datetime import UTC, datetime

    chunks = [
        line
        async for line in export_lines(
            db, "news", datetime.now(UTC), since=None, with_emails=with_emails
        )
    ]
    return _saved(path, b"".join(chunks))


def _saved(path: Path, data: bytes) -> list[dict]:
    path.write_bytes(data)
    return [msgspec.json.decode(line) for line in path.read_bytes().splitlines()]


async def _threads(runtime: Runtime) -> list[tuple]:
    """Each story's comments as (key, depth, parent's body, body, author, deleted, status)."""
    from sqlalchemy import select

    from rejoinder.accounts.models import accounts
    from rejoinder.comments.models import comments
    from rejoinder.stories.models import stories

    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    comments.c.id,
                    comments.c.parent_id,
                    comments.c.depth,
                    comments.c.body_html,
                    comments.c.status,
                    comments.c.deleted_at,
                    comments.c.created_at,
                    stories.c.story_key,
                    accounts.c.display_name,
                )
                .join(stories, stories.c.id == comments.c.story_id)
                .outerjoin(accounts, accounts.c.id == comments.c.account_id)
                .where(comments.c.status != "rejected", comments.c.status != "deleted")
            )
        ).all()
    html = {row.id: row.body_html for row in rows}
    return sorted(
        (
            row.story_key,
            row.depth,
            html.get(row.parent_id),
            row.body_html,
            row.display_name,
            row.deleted_at is not None,
            row.status,
            row.created_at,
        )
        for row in rows
    )


async def test_round_trip_gives_the_same_threads(
    runtime: Runtime, empty: Runtime, tmp_path: Path
) -> None:
    await make_story(runtime, key="story-known", url="https://news.test/politics/vote")
    await run_import(runtime, "disqus", FIXTURES / "disqus-cases.xml", create_stories=True)
    reader = await make_reader(runtime, display_name="Native Reader")
    await make_story(runtime, key="native", url="https://news.test/native")
    created = await make_comment(runtime, reader, "native", "Written *here*")
    await edit_comment(
        runtime,
        await _viewer(runtime, reader.account_id),
        created["id"],
        body="Edited *here*",
        client="203.0.113.9",
    )
    lines = await _export(runtime.db, tmp_path / "news.jsonl")
    kinds = [line["type"] for line in lines]
    assert kinds[0] == "meta"
    assert kinds.index("author") > kinds.index("story")
    assert kinds.index("comment") > max(i for i, k in enumerate(kinds) if k == "author")
    assert all("email" not in line or line["email"] is None for line in lines)
    edited = next(line for line in lines if line["type"] == "comment" and line["revisions"])
    assert edited["revisions"][0]["body"] == "Written *here*"
    report = await run_import(empty, "rejoinder", tmp_path / "news.jsonl", create_stories=True)
    assert report.ok, report.text()
    before = await _threads(runtime)
    after = await _threads(empty)
    # Same threads, texts, names, states and times; every author is "imported" now.
    assert after == before
    again = await run_import(empty, "rejoinder", tmp_path / "news.jsonl", create_stories=True)
    assert again.imported == 0


async def _viewer(runtime: Runtime, account_id: int):
    from factories import viewer

    return await viewer(runtime, account_id)


async def test_emails_only_when_asked(runtime: Runtime, tmp_path: Path) -> None:
    reader = await make_reader(runtime)
    await make_story(runtime, key="s1")
    await make_comment(runtime, reader, "s1", "Hello")
    from sqlalchemy import update

    from rejoinder.accounts.models import accounts

    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            update(accounts).where(accounts.c.id == reader.account_id).values(email="r@news.test")
        )
    plain = await _export(runtime.db, tmp_path / "a.jsonl")
    assert all(line.get("email") is None for line in plain)
    full = await _export(runtime.db, tmp_path / "b.jsonl", with_emails=True)
    assert any(line.get("email") == "r@news.test" for line in full)


async def test_admin_api_streams_the_export(client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    await make_story(runtime, key="s1")
    await make_comment(runtime, reader, "s1", "Hello")
    refused = await client.get("/api/v1/admin/sites/news/export")
    assert refused.status_code == 401
    assert refused.json()["code"] == "admin_key_required"
    response = await client.get("/api/v1/admin/sites/news/export", headers=ADMIN_HEADERS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [msgspec.json.decode(line) for line in response.content.splitlines()]
    assert [line["type"] for line in lines] == ["meta", "story", "author", "comment"]
    assert lines[-1]["body"] == "Hello"
    later = await client.get(
        "/api/v1/admin/sites/news/export",
        params={"since": "2999-01-01T00:00:00+00:00"},
        headers=ADMIN_HEADERS,
    )
    assert [msgspec.json.decode(x)["type"] for x in later.content.splitlines()] == [
        "meta",
        "story",
    ]
    bad = await client.get(
        "/api/v1/admin/sites/news/export", params={"since": "soon"}, headers=ADMIN_HEADERS
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_date"
    missing = await client.get("/api/v1/admin/sites/nope/export", headers=ADMIN_HEADERS)
    assert missing.status_code == 404
