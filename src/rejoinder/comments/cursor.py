"""Opaque keyset cursors: ``base64url(json([sort, key, id]))``.

The key is the sort column's value of the last item shown (microseconds since the epoch for
time sorts, the counter for the others) and ``id`` breaks ties, so a page starts strictly after
the previous one whatever arrives in between, and costs one index range scan.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta

import msgspec

from rejoinder.kernel.errors import RejoinderError

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)  # made once: every row of a page is keyed by it


class Cursor(msgspec.Struct, array_like=True, frozen=True):
    sort: str
    key: int
    id: int


def micros(moment: datetime) -> int:
    return (moment - EPOCH) // MICROSECOND


def from_micros(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def encode(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(cursor)).rstrip(b"=").decode()


def decode(raw: str, sort: str) -> Cursor:
    """Parse a cursor made for ``sort``; anything else is a 400 ``invalid_cursor``."""
    try:
        data = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        cursor = msgspec.json.decode(data, type=Cursor)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise RejoinderError("The cursor is not valid.", code="invalid_cursor") from None
    if cursor.sort != sort or cursor.id < 0 or abs(cursor.key) > 2**62:
        raise RejoinderError(
            "The cursor belongs to another sort order; start from the first page.",
            code="invalid_cursor",
        )
    return cursor
