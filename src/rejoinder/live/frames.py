"""Server-Sent Events on the wire: each frame is encoded once and shared by every stream.

The format (WHATWG HTML, "Server-sent events"): ``id:``, ``event:`` and ``data:`` lines and a
blank line; a line starting with ``:`` is a comment (our heartbeat); ``retry:`` sets the
client's reconnection delay. Our JSON never contains a newline, so one ``data:`` line is enough.
"""

from __future__ import annotations

from typing import Any

import msgspec

from rejoinder.live.schemas import LiveReset, ResetReason

_encode = msgspec.json.Encoder().encode

HEARTBEAT = b": heartbeat\n\n"


def frame(name: str, data: Any, event_id: int | None = None) -> bytes:
    head = b"" if event_id is None else b"id: %d\n" % event_id
    return head + b"event: " + name.encode() + b"\ndata: " + _encode(data) + b"\n\n"


def retry(milliseconds: int) -> bytes:
    return b"retry: %d\n\n" % milliseconds


def reset(reason: ResetReason, event_id: int | None = None) -> bytes:
    """``id:`` is the point to continue from, so a reconnect after a reset skips nothing new."""
    return frame("reset", LiveReset(reason=reason), event_id)
