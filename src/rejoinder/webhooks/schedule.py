"""When a failed delivery is tried again.

Svix's schedule (which the Standard Webhooks specification gives as its example):
immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failure; extended
here with 10-hour steps so that the attempts span about three days (3 d 5 h 35 min, 13
attempts), as the issue asks. After the last one the delivery is ``failed``: an admin can
still redeliver it.
"""

from __future__ import annotations

from datetime import timedelta

DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    *(timedelta(hours=10),) * 7,
)
ATTEMPTS = len(DELAYS) + 1


def next_delay(attempts: int) -> timedelta | None:
    """After ``attempts`` failed attempts, how long until the next (``None``: give up)."""
    if attempts >= ATTEMPTS:
        return None
    return DELAYS[attempts - 1]
