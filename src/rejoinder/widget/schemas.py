"""Output shapes of the widget's configuration endpoint."""

from __future__ import annotations

import msgspec


class NameLimits(msgspec.Struct, kw_only=True):
    min_length: int
    max_length: int


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
