"""Input and output shapes of the comments API. Authors never carry an e-mail address."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from rejoinder.kernel.bounds import Id, Text
from rejoinder.stories.schemas import StoryView

Sort = Literal["newest", "oldest", "reactions", "replies"]
# One of ``moderation.report_reasons``; checked against the configuration in the action.
ReportReason = Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


class CommentCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    # No length bounds here: emptiness and length are refused with their own codes, after the
    # plan and account checks (the request body limit bounds the worst case).
    body: str
    parent_id: Id | None = None


class CommentEdit(msgspec.Struct, forbid_unknown_fields=True):
    body: str


class ReportCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: ReportReason
    note: Annotated[Text, Meta(max_length=1000)] | None = None


class AuthorView(msgspec.Struct, kw_only=True):
    id: int
    display_name: str
    badges: list[str]


class CommentView(msgspec.Struct, kw_only=True):
    """One comment. A tombstone (``deleted``) has no author and an empty body.

    ``status`` is ``published`` for everyone; an author also sees their own ``pending``
    comments, with ``moderation_reason`` when the moderators gave one they may read.
    ``reacted`` lists the signed-in reader's own reactions. ``featured`` (an editor's pick) and
    ``pinned`` are set by moderators on the desk.
    """

    id: int
    parent_id: int | None
    depth: int
    author: AuthorView | None
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    status: str
    deleted: bool
    reactions: dict[str, int]
    reply_count: int
    replies: list[CommentView] = msgspec.field(default_factory=list)
    moderation_reason: str | None = None
    reacted: list[str] = msgspec.field(default_factory=list)
    featured: bool = False
    pinned: bool = False


class CommentPage(msgspec.Struct, kw_only=True):
    story: StoryView
    comments: list[CommentView]
    next_cursor: str | None


class RepliesPage(msgspec.Struct, kw_only=True):
    comments: list[CommentView]
    next_cursor: str | None


class Permalink(msgspec.Struct, kw_only=True):
    """One comment with its ancestors, root first, for a link straight to it."""

    story: StoryView
    comment: CommentView
    ancestors: list[CommentView]


class ModerationView(msgspec.Struct, kw_only=True):
    status: Literal["published", "pending", "rejected"]
    reason: str | None = None


class CommentCreated(msgspec.Struct, kw_only=True):
    comment: CommentView
    moderation: ModerationView


class ReactionsView(msgspec.Struct, kw_only=True):
    comment_id: int
    reactions: dict[str, int]
    reacted: list[str]


class ReportView(msgspec.Struct, kw_only=True):
    id: int
    comment_id: int
    reason: str
    created_at: datetime
