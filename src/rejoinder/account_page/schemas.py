"""Input and output shapes of the account page's API (``/api/v1/me/...``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from rejoinder.notifications.schemas import NotificationSettings


class DeletionView(msgspec.Struct, kw_only=True):
    """A pending deletion: the account and its data go at ``delete_after`` unless cancelled."""

    pending: bool
    requested_at: datetime | None = None
    delete_after: datetime | None = None


class StoryRef(msgspec.Struct, kw_only=True):
    site: str
    id: str
    title: str
    url: str


class MyComment(msgspec.Struct, kw_only=True):
    """One of my comments as the account page lists it, with a link back to it."""

    id: int
    story: StoryRef
    parent_id: int | None
    body_html: str
    status: str
    moderation_reason: str | None
    deleted: bool
    created_at: datetime
    edited_at: datetime | None
    reply_count: int
    reactions: dict[str, int]
    permalink: str


class MyCommentsPage(msgspec.Struct, kw_only=True):
    comments: list[MyComment]
    next_cursor: str | None


class ReplyReceived(msgspec.Struct, kw_only=True):
    """A published reply someone wrote to one of my comments."""

    id: int
    in_reply_to: int
    author: str | None
    story: StoryRef
    body_html: str
    created_at: datetime
    permalink: str


class RepliesReceived(msgspec.Struct, kw_only=True):
    replies: list[ReplyReceived]


class DataExport(msgspec.Struct, kw_only=True):
    """Everything Rejoinder holds about me, as one JSON document."""

    exported_at: datetime
    account: dict[str, Any]
    plan_history: list[dict[str, Any]]
    display_name_history: list[dict[str, Any]]
    notification_preferences: NotificationSettings
    deletion: DeletionView
    comments: list[dict[str, Any]]
    comment_revisions: list[dict[str, Any]]
    reactions: list[dict[str, Any]]
    reports: list[dict[str, Any]]
