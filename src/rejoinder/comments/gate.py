"""The reads a post needs before anything is decided, together.

A post reads a stored response for its ``Idempotency-Key`` (the widget always sends one), the
story and, for a reply, the parent comment. Through SQLAlchemy and aiosqlite each of those was
its own pooled round trip (about 1 ms of CPU apiece on SQLite); here they are one worker call
on the SQLite fast reader's ``sqlite3`` connections, or one pooled connection on PostgreSQL.
Same statements and the same rows either way; ``comments.service`` applies the checks, in the
public order, to what was read.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from rejoinder.comments import fastread, idempotency
from rejoinder.comments.queries import comment_row
from rejoinder.comments.views import ViewRow
from rejoinder.runtime import Runtime
from rejoinder.stories.queries import Story, find_story, from_row


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
    if runtime.reader is not None:
        return await runtime.reader.call(_sqlite_gate, site_id, story_key, parent_id, claim)
    async with runtime.db.read() as conn:
        stored = None if claim is None else await idempotency.replay(conn, claim)
        if stored is not None:
            return Gate(stored, None, None)
        story = await find_story(conn, site_id, story_key)
        parent = None if parent_id is None else await comment_row(conn, parent_id)
    return Gate(None, story, parent)


def _sqlite_gate(
    conn: sqlite3.Connection,
    site_id: str,
    story_key: str,
    parent_id: int | None,
    claim: idempotency.Claim | None,
) -> Gate:
    stored = None if claim is None else idempotency.sqlite_replay(conn, claim)
    if stored is not None:
        return Gate(stored, None, None)
    row = fastread.story_row(conn, site_id, story_key)
    parent = None if parent_id is None else fastread.comment_row(conn, parent_id)
    return Gate(None, None if row is None else from_row(row), parent)
