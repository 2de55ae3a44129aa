"""Settings for webhook deliveries: the address policy, timeouts and the worker."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field


class WebhookSettings(Struct, kw_only=True, forbid_unknown_fields=True):
    enabled: Annotated[
        bool,
        Meta(
            description="Run the delivery worker in this process (every serving process "
            "may: they share the work through the database)."
        ),
    ] = True
    allow_networks: Annotated[
        list[str],
        Meta(
            description="CIDR ranges webhook URLs may reach although they are not public "
            '(loopback, private, link-local ...), e.g. `["10.20.0.0/16"]` for a receiver '
            "inside your network. Empty: only public addresses. Cloud metadata addresses "
            "are refused unless listed here exactly."
        ),
    ] = field(default_factory=list)
    timeout_seconds: Annotated[
        float,
        Meta(ge=1, le=60, description="How long one delivery attempt may take, in all."),
    ] = 15.0
    concurrency: Annotated[
        int,
        Meta(ge=1, le=256, description="Deliveries in flight at once, per process."),
    ] = 16
    poll_seconds: Annotated[
        float,
        Meta(ge=0.05, le=60, description="How often the worker looks for due deliveries."),
    ] = 1.0
    rotation_overlap_hours: Annotated[
        int,
        Meta(
            ge=0,
            le=720,
            description="After a secret is rotated, the previous one signs too for this long "
            "(both signatures are sent), so that receivers can switch without a gap.",
        ),
    ] = 24
    disable_after_days: Annotated[
        int,
        Meta(
            ge=1,
            le=90,
            description="An endpoint that has failed every delivery for this long is "
            "disabled; the admins see it in the admin API and the log.",
        ),
    ] = 5
