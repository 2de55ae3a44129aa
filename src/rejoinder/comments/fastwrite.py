"""Posting on SQLite in one thread hop: the whole transaction in plain ``sqlite3``.

An accepted comment is a handful of statements (idempotency key, insert, counters, the rows
attached to its moderation decision, stored response). Through SQLAlchemy and aiosqlite each
statement, ``BEGIN`` and ``COMMIT`` is its own thread hop, and the single writer connection is
held across all of them: most of a post was waiting. Here one worker thread with its own
connection runs the transaction start to end (``BEGIN IMMEDIATE``, so it queues behind any
other writer instead of failing). The action in ``comments.service`` still decides everything
first and publishes the event after the commit.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, NamedTuple

from rejoinder.comments import idempotency
from rejoinder.kernel.errors import Invalid
from rejoinder.moderation.seam import Attached

_INSERT = (
    "INSERT INTO comments (story_id, parent_id, depth, account_id, body, body_html, status, "
    "moderation_reason, moderation_detail, moderation_phase, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"
)


def stored_time(moment: datetime) -> str:
    """The text SQLAlchemy stores UTC datetimes as on SQLite (see ``UtcDateTime``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class NewComment(NamedTuple):
    story_id: int
    parent_id: int | None
    depth: int
    account_id: int
    body: str
    body_html: str
    status: str
    moderation_reason: str | None
    moderation_detail: str | None
    moderation_phase: str | None
    now: datetime


class Written(NamedTuple):
    comment_id: int | None  # None when a stored response was replayed instead
    response: idempotency.Stored


class SqliteWriter:
    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rejoinder-write")

    def close(self) -> None:
        self._pool.shutdown(wait=False)

    async def insert(
        self,
        comment: NewComment,
        claim: idempotency.Claim | None,
        respond: Callable[[int], bytes],
        attached: tuple[Attached, ...] = (),
    ) -> Written:
        """Insert one comment (and reserve/store its idempotency key, and store the rows
        ``attached`` to its moderation decision) in one transaction; ``respond(comment_id)``
        makes the 201 body that is stored with the key."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool, self._insert, comment, claim, respond, attached
        )

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
            for pragma in (
                "journal_mode=WAL",
                "synchronous=NORMAL",
                "foreign_keys=ON",
                "busy_timeout=10000",
            ):
                conn.execute(f"PRAGMA {pragma}")
            self._conn = conn
        return self._conn

    def _insert(
        self,
        comment: NewComment,
        claim: idempotency.Claim | None,
        respond: Callable[[int], bytes],
        attached: tuple[Attached, ...],
    ) -> Written:
        conn = self._connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            if claim is not None:
                replayed = _replay_or_reserve(conn, claim)
                if replayed is not None:
                    conn.execute("ROLLBACK")
                    return Written(None, replayed)
            now = stored_time(comment.now)
            comment_id: int = conn.execute(_INSERT, (*comment[:-1], now, now)).fetchone()[0]
            if comment.status == "published":
                conn.execute(
                    "UPDATE stories SET comment_count = comment_count + 1 WHERE id = ?",
                    (comment.story_id,),
                )
                if comment.parent_id is not None:
                    conn.execute(
                        "UPDATE comments SET reply_count = reply_count + 1 WHERE id = ?",
                        (comment.parent_id,),
                    )
            for row in attached:
                store_attached(conn, row, comment_id, now)
            body = respond(comment_id)
            if claim is not None:
                conn.execute(
                    "UPDATE idempotency_keys SET status_code = 201, response = ? "
                    "WHERE account_id = ? AND key = ?",
                    (body.decode(), claim.account_id, claim.key),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return Written(comment_id, idempotency.Stored(201, body, replayed=False))


def store_attached(conn: sqlite3.Connection, row: Attached, comment_id: int, now: str) -> None:
    """One row attached to a moderation decision, as ``comments.rules.store_attached`` stores
    it through SQLAlchemy (``now``: the write time as stored text)."""
    delete, insert = _attached_sql(row.table, tuple(row.values), row.stamp)
    if row.replace:
        conn.execute(delete, (comment_id,))
    conn.execute(insert, (comment_id, *row.values.values(), now))


@functools.cache
def _attached_sql(table: str, columns: tuple[str, ...], stamp: str) -> tuple[str, str]:
    """The statements for one shape of attached row. Names come from code (the pipeline),
    never from a request; values are always bound."""
    names = ", ".join(("comment_id", *columns, stamp))
    marks = ", ".join("?" * (len(columns) + 2))
    return (
        f"DELETE FROM {table} WHERE comment_id = ?",  # noqa: S608
        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
    )


def _replay_or_reserve(conn: sqlite3.Connection, claim: idempotency.Claim) -> Any:
    """Inside the write lock: a finished response for this key, or reserve the key."""
    expired = stored_time(claim.now - claim.ttl)
    row = conn.execute(
        "SELECT request_hash, status_code, response, created_at FROM idempotency_keys "
        "WHERE account_id = ? AND key = ?",
        (claim.account_id, claim.key),
    ).fetchone()
    if row is not None and row[3] > expired and row[1]:
        if row[0] != claim.fingerprint:
            raise Invalid(
                "This Idempotency-Key was already used for a different request.",
                code="idempotency_key_reused",
            )
        return idempotency.Stored(row[1], row[2].encode(), replayed=True)
    conn.execute(
        "DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND created_at <= ?",
        (claim.account_id, claim.key, expired),
    )
    conn.execute(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, status_code, response, "
        "created_at) VALUES (?, ?, ?, 0, '', ?)",
        (claim.account_id, claim.key, claim.fingerprint, stored_time(claim.now)),
    )
    return None


def sqlite_writer(url: str) -> SqliteWriter | None:
    """The one-hop writer for a SQLite file database; ``None`` for anything else."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return SqliteWriter(parsed.database)
