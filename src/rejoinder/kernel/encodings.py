"""Content codings a client accepts, from its ``Accept-Encoding`` header."""

from __future__ import annotations


def accepted_encodings(header: str | None) -> set[str]:
    """The codings a client accepts (``q=0`` means refused), lower-cased."""
    accepted: set[str] = set()
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=").strip() if params else "1"
        try:
            refused = float(quality) == 0
        except ValueError:
            refused = False
        if name and not refused:
            accepted.add(name.strip().lower())
    return accepted
