"""The reads a post needs before anything is decided, together, in one unit of work.

A post reads a stored response for its ``Idempotency-Key`` (the widget always sends one), the
story and, for a reply, the parent comment: one hop to the database on either backend.
``comments.service`` applies the checks, in the public order, to what was read.
"""

from __future__ import annotations

from typing import NamedTuple

from rejoinder.comments import idempotency
from rejoinder.comments.queries import comment_row
from rejoinder.comments.rows import ViewRow
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection
from rejoinder.stories.queries import Story, find_story


class Gate(NamedTuple):
    stored: idempotency.Stored | None  # a finished response to replay: nothing else was read
    story: Story | None
    parent: ViewRow | None  # None when not a reply, or when the parent is not there


async def read_gate(
    runtime: Runtime,
    site_id: str,
    story_key: str,
    parent_id: int | None,
    claim: idempotency.Claim | None,
) -> Gate:
    """Raises 422 ``idempotency_key_reused`` for a key already used for another request."""
    return await runtime.db.run_read(_gate, site_id, story_key, parent_id, claim)


async def _gate(
    conn: Connection,
    site_id: str,
    story_key: str,
    parent_id: int | None,
    claim: idempotency.Claim | None,
) -> Gate:
    stored = None if claim is None else await idempotency.replay(conn, claim)
    if stored is not None:
        return Gate(stored, None, None)
    story = await find_story(conn, site_id, story_key)
    parent = None if parent_id is None else await comment_row(conn, parent_id)
    return Gate(None, story, parent)
