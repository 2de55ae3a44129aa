"""Input and output shapes of the moderation API (the desk's contract)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from rejoinder.kernel.bounds import Id, Line, Text

Queue = Literal["pending", "reported", "unmoderated", "approved", "rejected"]
QUEUES: tuple[Queue, ...] = ("pending", "reported", "unmoderated", "approved", "rejected")
CommentAction = Literal["approve", "reject", "feature", "unfeature", "pin", "unpin"]
SanctionKind = Literal["warn", "suspend", "ban", "premoderate"]
Band = Literal["likely", "maybe", "unlikely", "unknown"]
QueueSort = Literal["oldest", "newest", "toxicity"]
Note = Annotated[Text, Meta(max_length=2000)]


class QueueFilter(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Which comments a queue (or a bulk action by filter) covers."""

    queue: Queue = "pending"
    site: Annotated[Line, Meta(max_length=64)] | None = None
    story: Annotated[Line, Meta(max_length=255)] | None = None
    phase: Annotated[Line, Meta(max_length=64)] | None = None
    q: Annotated[Line, Meta(max_length=200)] | None = None
    author: Annotated[Line, Meta(max_length=128)] | None = None


class CommentActionInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    action: CommentAction
    reason: Annotated[Line, Meta(max_length=32)] | None = None
    note: Note | None = None


class BulkActionInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Either ``comment_ids`` (a selection) or ``filter`` (everything matching, up to a cap)."""

    action: CommentAction
    comment_ids: Annotated[list[Id], Meta(max_length=500)] | None = None
    filter: QueueFilter | None = None
    reason: Annotated[Line, Meta(max_length=32)] | None = None
    note: Note | None = None


class BulkResult(msgspec.Struct, kw_only=True):
    changed: list[int]
    unchanged: list[int]


class SanctionInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: SanctionKind
    site: Annotated[Line, Meta(max_length=64)] | None = None
    until: datetime | None = None
    reason: Note | None = None
    reject_existing: bool = False


class NoteInput(msgspec.Struct, forbid_unknown_fields=True):
    body: Annotated[Text, Meta(min_length=1, max_length=4000)]


class CardStory(msgspec.Struct, kw_only=True):
    """The story a moderation card belongs to."""

    key: str
    title: str
    url: str


class ParentRef(msgspec.Struct, kw_only=True):
    id: int
    author: str | None
    body_html: str


class AuthorCard(msgspec.Struct, kw_only=True):
    id: int | None
    display_name: str | None
    role: str | None
    status: str | None
    comments: int
    rejected: int
    rejection_rate: float


class Finding(msgspec.Struct, kw_only=True):
    phase: str
    action: str
    reason: str
    detail: str


class ModerationCard(msgspec.Struct, kw_only=True):
    """A comment as a moderator sees it, with its context."""

    id: int
    site_id: str
    story: CardStory
    parent: ParentRef | None
    author: AuthorCard
    body_html: str
    status: str
    phase: str | None
    reason: str | None
    findings: list[Finding]
    toxicity: float | None
    toxicity_band: Band
    flagged: bool
    reports: int
    report_reasons: list[str]
    report_notes: list[str]  # the reporters' own words, oldest first
    featured: bool
    pinned: bool
    reviewed: bool
    created_at: datetime
    edited_at: datetime | None


class QueuePage(msgspec.Struct, kw_only=True):
    queue: Queue
    total: int
    items: list[ModerationCard]
    offset: int
    limit: int


class QueueCounts(msgspec.Struct, kw_only=True):
    pending: int
    reported: int
    unmoderated: int
    approved: int
    rejected: int


class SanctionView(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    site_id: str | None
    reason: str | None
    until: datetime | None
    created_at: datetime
    created_by: int | None
    lifted_at: datetime | None
    active: bool


class NoteView(msgspec.Struct, kw_only=True):
    id: int
    author_id: int | None
    body: str
    created_at: datetime


class NameChange(msgspec.Struct, kw_only=True):
    previous_name: str | None
    display_name: str
    changed_at: datetime


class RegisteredName(msgspec.Struct, kw_only=True):
    first_name: str | None
    surname: str | None


class ReaderHistory(msgspec.Struct, kw_only=True):
    id: int
    display_name: str | None
    #: The registered name (first name, surname) a site may require: moderators only.
    registered_name: RegisteredName | None
    role: str
    status: str
    status_until: datetime | None
    status_reason: str | None
    created_at: datetime
    counts: dict[str, int]
    rejection_rate: float
    sanctions: list[SanctionView]
    notes: list[NoteView]
    names: list[NameChange]
    status_changes: list[AuditEntry]


class AuditEntry(msgspec.Struct, kw_only=True):
    id: int
    created_at: datetime
    actor_id: int | None
    actor_name: str | None
    action: str
    site_id: str | None
    comment_id: int | None
    account_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str | None
    note: str | None


class DeskConfig(msgspec.Struct, kw_only=True):
    """What the desk needs to draw itself for this moderator."""

    account_id: int
    display_name: str | None
    is_admin: bool
    sites: list[str]
    rejection_reasons: list[str]
    report_threshold: int
    toxicity_threshold: float
    toxicity_maybe: float
    phases: list[str]
