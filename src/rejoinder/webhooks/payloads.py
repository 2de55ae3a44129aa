"""The public webhook payloads: one versioned envelope per event, never an e-mail address.

Every body is ``{"type": ..., "version": 1, "timestamp": ..., "data": {...}}``. ``type`` is
the public event name (below), stable; ``version`` changes only when a payload changes
incompatibly (fields are only ever added within a version). The structs here are what is
sent *and* what the OpenAPI document's ``webhooks`` section is generated from
(``webhooks.openapi``), so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

VERSION: Literal[1] = 1

PublicStatus = Annotated[
    Literal["published", "held", "rejected", "deleted"],
    Meta(description="`held`: waiting for a moderator."),
]


class CommentData(msgspec.Struct, kw_only=True):
    """A comment, by reference: fetch its text through the API when you need it."""

    comment_id: int
    story_id: int
    site_id: str
    story_key: Annotated[str, Meta(description="The publisher's id for the story.")]
    parent_id: int | None
    author_account_id: int | None
    status: PublicStatus


class CommentEditedData(CommentData, kw_only=True):
    previous_status: PublicStatus


class CommentDeletedData(CommentData, kw_only=True):
    tombstone: Annotated[bool, Meta(description="Kept as a tombstone because it has replies.")]


class CommentStatusData(CommentData, kw_only=True):
    change: Annotated[
        Literal["published", "held", "rejected", "featured", "unfeatured"],
        Meta(description="What happened: a moderation outcome, or an editor's pick set/cleared."),
    ]
    previous_status: PublicStatus | None
    featured: bool | None
    moderator_account_id: int | None


class ReportData(msgspec.Struct, kw_only=True):
    report_id: int
    comment_id: int
    story_id: int
    site_id: str
    story_key: str
    reason: str
    reporter_account_id: int


class SanctionData(msgspec.Struct, kw_only=True):
    account_id: int
    kind: Annotated[str, Meta(description="`warn`, `mute`, `suspend` or `ban`.")]
    site_id: Annotated[str | None, Meta(description="Null: on every site.")]
    sanction_id: int | None
    until: datetime | None


class StoryData(msgspec.Struct, kw_only=True):
    story_id: int
    site_id: str
    story_key: str


class PlanData(msgspec.Struct, kw_only=True):
    account_id: int
    plan_id: str
    previous_plan_id: str | None


class Envelope(msgspec.Struct, kw_only=True):
    version: Literal[1]
    timestamp: Annotated[datetime, Meta(description="When the event happened (UTC).")]


class CommentCreatedPayload(Envelope, kw_only=True):
    type: Literal["comment.created"]
    data: CommentData


class CommentEditedPayload(Envelope, kw_only=True):
    type: Literal["comment.edited"]
    data: CommentEditedData


class CommentDeletedPayload(Envelope, kw_only=True):
    type: Literal["comment.deleted"]
    data: CommentDeletedData


class CommentStatusChangedPayload(Envelope, kw_only=True):
    type: Literal["comment.status_changed"]
    data: CommentStatusData


class ReportFiledPayload(Envelope, kw_only=True):
    type: Literal["report.filed"]
    data: ReportData


class ReaderSanctionedPayload(Envelope, kw_only=True):
    type: Literal["reader.sanctioned"]
    data: SanctionData


class StoryCreatedPayload(Envelope, kw_only=True):
    type: Literal["story.created"]
    data: StoryData


class StoryUpdatedPayload(Envelope, kw_only=True):
    type: Literal["story.updated"]
    data: StoryData


class PlanChangedPayload(Envelope, kw_only=True):
    type: Literal["subscriber.plan_changed"]
    data: PlanData


Payload = (
    CommentCreatedPayload
    | CommentEditedPayload
    | CommentDeletedPayload
    | CommentStatusChangedPayload
    | ReportFiledPayload
    | ReaderSanctionedPayload
    | StoryCreatedPayload
    | StoryUpdatedPayload
    | PlanChangedPayload
)

# The public event names, each with its payload and what it means (docs and OpenAPI).
PAYLOADS: dict[str, tuple[type[Envelope], str]] = {
    "comment.created": (CommentCreatedPayload, "A comment was posted (any moderation outcome)."),
    "comment.edited": (CommentEditedPayload, "Its author edited a comment."),
    "comment.deleted": (CommentDeletedPayload, "Its author deleted a comment."),
    "comment.status_changed": (
        CommentStatusChangedPayload,
        "A moderator published, held or rejected a comment, or an editor featured it.",
    ),
    "report.filed": (ReportFiledPayload, "A reader reported a comment."),
    "reader.sanctioned": (
        ReaderSanctionedPayload,
        "A reader was warned, muted, suspended or banned.",
    ),
    "story.created": (StoryCreatedPayload, "A story was created (admin API or first embed)."),
    "story.updated": (StoryUpdatedPayload, "A story's title, URL, state or settings changed."),
    "subscriber.plan_changed": (PlanChangedPayload, "A subscriber's plan changed."),
}
EVENT_TYPES: tuple[str, ...] = tuple(PAYLOADS)
