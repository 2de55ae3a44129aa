"""Timestamps as the old systems wrote them, to aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_FRACTION = re.compile(r"(\.\d{6})\d+")


def parse_moment(value: str | None) -> datetime | None:
    """ISO 8601 (``Z`` or an offset; naive means UTC), or ``YYYY-MM-DD HH:MM:SS``."""
    if not value:
        return None
    raw = value.strip()
    if "." in raw:
        raw = _FRACTION.sub(r"\1", raw)  # Go writes nanoseconds; Python takes micro
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if not 1970 <= moment.year <= 2999:
        return None
    return moment
