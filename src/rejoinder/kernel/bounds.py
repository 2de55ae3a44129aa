"""The bounds every input shares, so that no value a database cannot store reaches one.

PostgreSQL refuses a NUL byte in text and both databases refuse integers beyond 64 bits;
SQLite would store the NUL. Refusing these at the edge (422) keeps the two databases alike:

- ``Line`` / ``LINE``: identifiers and one-line text (story keys, titles, URLs, subscriber
  ids): no control character at all (C0, DEL, C1).
- ``Text`` / ``TEXT``: multi-line text (messages, notes): tab and line breaks allowed.
- ``Id`` / ``MAX_ID``: every id and integer filter is at most 2^62, far inside int64.
- :func:`check_moment`: dates between :data:`EARLIEST` and :data:`LATEST`, so date arithmetic
  (auto-close adds days) can never leave Python's ``datetime`` range.

The same patterns go into the OpenAPI document, so generated clients know them too.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

from msgspec import Meta

from rejoinder.kernel.errors import Invalid

# The true end of the string, in both Python's and ECMAScript's regex dialects: ``$`` also
# matches before a final line break in Python, which would let "a\n" through.
END = r"(?![\s\S])"
LINE = r"^[^\x00-\x1f\x7f-\x9f]*" + END
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*" + END
MAX_ID = 2**62

Line = Annotated[str, Meta(pattern=LINE)]
Text = Annotated[str, Meta(pattern=TEXT)]
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def has_control(value: str) -> bool:
    """Whether ``value`` holds a control character (line breaks included)."""
    return _CONTROL.search(value) is not None


def check_line(value: str, what: str) -> str:
    """``value`` unchanged, or 422 ``control_characters`` naming ``what``."""
    if has_control(value):
        raise Invalid(f"The {what} may not contain control characters.", code="control_characters")
    return value


def check_moment(value: datetime | None, what: str) -> datetime | None:
    """``value`` unchanged when it lies between 1970 and 2999, else 422 ``date_out_of_range``.

    A naive ``value`` is read as UTC, like everywhere else in Rejoinder.
    """
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware <= LATEST:
        raise Invalid(
            f"The {what} must lie between {EARLIEST.year} and {LATEST.year}.",
            code="date_out_of_range",
        )
    return value
