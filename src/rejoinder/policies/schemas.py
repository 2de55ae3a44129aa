"""Output shapes of the policies' desk API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta


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


class TakedownCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A request to remove a comment, from anyone (signed in or not)."""

    comment_id: Annotated[
        Annotated[int, Meta(ge=1, le=2**62)] | None,
        Meta(description="The comment's id; or give its `permalink`."),
    ] = None
    permalink: Annotated[
        Annotated[str, Meta(max_length=2000)] | None,
        Meta(description="The comment's link (`...#comment-123`)."),
    ] = None
    reason: Annotated[
        str, Meta(max_length=64, description="A legal reason category (`takedowns.reasons`).")
    ]
    contact_name: Annotated[str, Meta(max_length=200)]
    contact_email: Annotated[str, Meta(max_length=320)]
    statement: Annotated[
        str, Meta(max_length=10_000, description="Why the comment should be removed.")
    ]
    language: Annotated[
        Literal["en", "ja"] | None,
        Meta(description="The language of the messages to the requester (default: the site's)."),
    ] = None


class TakedownReceipt(msgspec.Struct, kw_only=True):
    id: int
    status: str
    received_at: datetime
    deadline_at: Annotated[datetime, Meta(description="When the publisher will have decided.")]


class TakedownView(msgspec.Struct, kw_only=True):
    """A takedown request on the desk, with its clock."""

    id: int
    site_id: str
    comment_id: int | None
    comment_body_html: str | None
    comment_status: str | None
    permalink: str | None
    reason: str
    contact_name: str
    contact_email: str
    statement: str
    received_at: datetime
    deadline_at: datetime
    days_left: Annotated[int, Meta(description="Whole days until the deadline (negative: late).")]
    due_soon: Annotated[bool, Meta(description="Open and due within `remind_days`.")]
    due_within_day: Annotated[bool, Meta(description="Open and due within 24 hours.")]
    overdue: bool
    language: str
    status: str
    decided_at: datetime | None
    decided_by: int | None
    decided_by_name: Annotated[
        str | None, Meta(description="The moderator's display name, as in the audit log.")
    ] = None
    decision_reason: str | None


class TakedownQueue(msgspec.Struct, kw_only=True):
    requests: list[TakedownView]


class TakedownDecision(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    outcome: Annotated[
        Literal["remove", "keep"], Meta(description="Take the comment down, or keep it.")
    ]
    reason: Annotated[
        str,
        Meta(min_length=1, max_length=4000, description="Why; sent back to the requester."),
    ]
