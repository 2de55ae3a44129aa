"""Settings of the live streams (Server-Sent Events)."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct


class LiveSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    heartbeat_seconds: Annotated[
        float,
        Meta(
            ge=0.05,
            le=300,
            description="Seconds between heartbeat comment lines on an open stream (proxies "
            "drop streams idle for 60 to 100 s).",
        ),
    ] = 15.0
    retry_ms: Annotated[
        int,
        Meta(ge=100, le=600_000, description="The `retry:` hint: milliseconds before a reconnect."),
    ] = 3000
    queue_size: Annotated[
        int,
        Meta(
            ge=4,
            le=100_000,
            description="Frames a slow client may have waiting; past that it is sent `reset` "
            "and closed (nobody else is slowed).",
        ),
    ] = 256
    replay_limit: Annotated[
        int,
        Meta(
            ge=1,
            le=1_000_000,
            description="Most events replayed to a resuming client; more missed than that "
            "(or an id older than the log keeps) and it gets `reset` and re-fetches the page.",
        ),
    ] = 10_000
    viewer_recheck_seconds: Annotated[
        float,
        Meta(
            ge=0.05,
            le=3600,
            description="How often a signed-in stream checks its token again (an expired "
            "token ends it); revocations, plan and role changes apply at once through events.",
        ),
    ] = 60.0
