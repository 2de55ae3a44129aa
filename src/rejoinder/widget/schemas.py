"""Output shapes of the widget's configuration endpoint."""

from __future__ import annotations

import msgspec


class NameLimits(msgspec.Struct, kw_only=True):
    min_length: int
    max_length: int


class NameChanges(msgspec.Struct, kw_only=True):
    """How often a display name may change: said before the first one is saved."""

    cooldown_days: int
    correction_grace_minutes: int


class WidgetConfig(msgspec.Struct, kw_only=True):
    """What the widget needs to know about a site before it renders; public, cacheable."""

    site: str
    name: str
    local_accounts: bool
    reactions: list[str]
    report_reasons: list[str]
    edit_window_seconds: int
    max_length: int
    display_names: NameLimits
    name_changes: NameChanges
    subscribe_url: str | None
    # Plan names and badges in other languages, by language: {"ja": {"Premium": "プレミアム"}}.
    terms: dict[str, dict[str, str]] = msgspec.field(default_factory=dict)
