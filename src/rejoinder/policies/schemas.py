"""Output shapes of the policies' desk API."""

from __future__ import annotations

from datetime import datetime

import msgspec


class ProtectionAlert(msgspec.Struct, kw_only=True):
    """A story a site's protection rule closed; ``reopened_at`` is set once a moderator
    reopened it."""

    id: int
    site_id: str
    story_id: str
    story_title: str
    story_url: str
    kind: str
    count: int
    threshold: int
    window_minutes: int
    action: str
    message: str | None
    triggered_at: datetime
    reopened_at: datetime | None
    reopened_by: int | None


class ProtectionAlerts(msgspec.Struct, kw_only=True):
    alerts: list[ProtectionAlert]


class Reopened(msgspec.Struct, kw_only=True):
    id: int
    reopened_at: datetime
