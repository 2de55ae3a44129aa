"""Helpers for the moderation suite: post through the real comment action, read the record."""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select

from factories import Reader, viewer
from rejoinder.comments.service import create_comment
from rejoinder.moderation.models import comment_checks
from rejoinder.runtime import Runtime


class Poster:
    """Posts comments as the comments service does for the API (``client`` per reader)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def __call__(
        self, reader: Reader, story: str, body: str, *, site: str = "news"
    ) -> dict[str, Any]:
        result = await create_comment(
            self.runtime,
            await viewer(self.runtime, reader.account_id),
            site,
            story,
            body,
            None,
            idempotency_key=None,
            client=f"test-{reader.account_id}",
        )
        created: dict[str, Any] = msgspec.json.decode(result.body)
        return created

    async def check(self, comment_id: int) -> Any:
        async with self.runtime.db.read() as conn:
            return (
                await conn.execute(
                    select(comment_checks).where(comment_checks.c.comment_id == comment_id)
                )
            ).first()


def use_rules(runtime: Runtime, **changes: Any) -> None:
    """Change ``[moderation]`` settings for this test and rebuild the pipeline (word lists
    are compiled once, at start-up)."""
    from rejoinder.moderation.pipeline import Pipeline

    for key, value in changes.items():
        setattr(runtime.settings.moderation, key, value)
    runtime.moderation = Pipeline(runtime.settings, runtime.db)
