"""Idempotency keys: the same ``Idempotency-Key`` from the same reader replays one response.

The key row is inserted in the same transaction as the comment. Two concurrent retries cannot
both commit: on SQLite writers are serialised (``BEGIN IMMEDIATE``) so the second finds the
first's row; on PostgreSQL the second blocks on the unique ``(account_id, key)`` index and fails
with an integrity error once the first commits, then replays the stored response.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import ColumnElement, and_, bindparam, delete, insert, select, update

from rejoinder.comments.models import idempotency_keys
from rejoinder.kernel.errors import Invalid
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Stored(msgspec.Struct, frozen=True):
    status_code: int
    body: bytes
    replayed: bool


def check_key(key: str | None) -> str | None:
    if key is None:
        return None
    if not KEY.match(key):
        raise Invalid(
            "An Idempotency-Key is 1 to 255 visible ASCII characters.",
            code="idempotency_key_invalid",
        )
    return key


def request_hash(*parts: object) -> str:
    return hashlib.sha256(msgspec.json.encode(parts)).hexdigest()


class Claim(msgspec.Struct, frozen=True, kw_only=True):
    """One reader's key for one request, as of ``now``."""

    account_id: int
    key: str
    fingerprint: str
    now: datetime
    ttl: timedelta

    def matches(self) -> ColumnElement[bool]:
        return and_(
            idempotency_keys.c.account_id == self.account_id, idempotency_keys.c.key == self.key
        )


# A key's stored row (parameters ``account_id``, ``key``).
REPLAY = defined(
    select(
        idempotency_keys.c.request_hash,
        idempotency_keys.c.status_code,
        idempotency_keys.c.response,
        idempotency_keys.c.created_at,
    ).where(
        idempotency_keys.c.account_id == bindparam("account_id"),
        idempotency_keys.c.key == bindparam("key"),
    )
)


async def replay(conn: Connection, claim: Claim) -> Stored | None:
    """The stored response for this key, if a finished one is still fresh."""
    params = {"account_id": claim.account_id, "key": claim.key}
    row = (await conn.execute(REPLAY, params)).first()
    return None if row is None else replayed(claim, *row)


def replayed(
    claim: Claim, request_hash: str, status_code: int, response: str, created_at: datetime
) -> Stored | None:
    """A stored row's response to replay: ``None`` while unfinished or once expired, 422 for
    a different request under the same key."""
    if created_at <= claim.now - claim.ttl or status_code == 0:
        return None
    if request_hash != claim.fingerprint:
        raise Invalid(
            "This Idempotency-Key was already used for a different request.",
            code="idempotency_key_reused",
        )
    return Stored(status_code, response.encode(), replayed=True)


async def reserve(conn: Connection, claim: Claim) -> None:
    """Reserve the key inside the writing transaction (an expired row is replaced)."""
    await conn.execute(
        delete(idempotency_keys).where(
            claim.matches(), idempotency_keys.c.created_at <= claim.now - claim.ttl
        )
    )
    await conn.execute(
        insert(idempotency_keys).values(
            account_id=claim.account_id,
            key=claim.key,
            request_hash=claim.fingerprint,
            status_code=0,
            response="",
            created_at=claim.now,
        )
    )


async def store(conn: Connection, claim: Claim, status_code: int, body: bytes) -> None:
    await conn.execute(
        update(idempotency_keys)
        .where(claim.matches())
        .values(status_code=status_code, response=body.decode())
    )
