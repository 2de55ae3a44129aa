"""Input and output shapes: notification settings, in-page notifications, marking read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Kind = Literal["reply", "featured", "moderation", "staff_reply"]
EmailMode = Literal["off", "immediate", "daily", "weekly"]
Language = Literal["en", "ja"]
# An IANA zone name (checked against the zone database when saved).
ZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_+/-]+$")]


class NotificationSettings(msgspec.Struct, kw_only=True):
    """Per kind on or off; mail off, at once, or as a daily or weekly digest.

    ``time_zone`` and ``language`` are null until chosen: the site's are used.
    """

    reply: bool
    featured: bool
    moderation: bool
    staff_reply: bool
    email: EmailMode
    time_zone: str | None
    language: Language | None


class NotificationSettingsUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Omit a field to keep it; ``time_zone``/``language`` ``""`` go back to the site's."""

    reply: bool | None = None
    featured: bool | None = None
    moderation: bool | None = None
    staff_reply: bool | None = None
    email: EmailMode | None = None
    time_zone: ZoneName | Literal[""] | None = None
    language: Language | Literal[""] | None = None


class StoryLink(msgspec.Struct, kw_only=True):
    id: str
    title: str
    url: str


class Actor(msgspec.Struct, kw_only=True):
    display_name: str | None


class NotificationItem(msgspec.Struct, kw_only=True):
    """One notification: a reply, a feature, a moderation outcome or a staff reply.

    ``outcome`` (``approved``/``rejected``) and ``reason`` are set for kind ``moderation``.
    """

    id: int
    kind: Kind
    comment_id: int
    story: StoryLink
    actor: Actor | None
    created_at: datetime
    read: bool
    permalink: str
    outcome: str | None = None
    reason: str | None = None


class NotificationsPage(msgspec.Struct, kw_only=True):
    unread: int
    items: list[NotificationItem]
    next_cursor: str | None


class MarkRead(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Either ``ids`` (at most 100 of my notifications) or ``all: true``."""

    ids: (
        Annotated[
            list[Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]], msgspec.Meta(max_length=100)
        ]
        | None
    ) = None
    all: bool | None = None


class UnreadCount(msgspec.Struct, kw_only=True):
    unread: int
