"""What the live streams send: one payload per event name (the ``data:`` line, as JSON)."""

from __future__ import annotations

from typing import Literal

import msgspec

from rejoinder.comments.schemas import CommentView
from rejoinder.moderation.schemas import ModerationCard, QueueCounts
from rejoinder.stories.schemas import StoryView


class LiveComment(msgspec.Struct, kw_only=True):
    """``comment.created`` (newly published, or the author's own pending comment),
    ``comment.edited`` and ``comment.approved`` (to its author): the comment as the page
    shows it. ``reacted`` is not personalised on the stream: the widget keeps its own."""

    comment: CommentView


class LiveDeleted(msgspec.Struct, kw_only=True):
    """``comment.deleted``: a tombstone (``comment`` has no author and no body) when it has
    replies; gone from every listing otherwise (``comment`` is null)."""

    id: int
    parent_id: int | None
    tombstone: bool
    comment: CommentView | None


class LiveRemoved(msgspec.Struct, kw_only=True):
    """``comment.removed``: rejected or held by a moderator (or by a re-moderated edit) after
    it was shown. Its author also gets ``moderation_reason`` when there is one to read."""

    id: int
    parent_id: int | None
    status: str
    moderation_reason: str | None = None


class LiveReactions(msgspec.Struct, kw_only=True):
    """``comment.reactions``: the new counts of every reaction kind."""

    id: int
    reactions: dict[str, int]


class LiveStory(msgspec.Struct, kw_only=True):
    """``story.updated``: closed or reopened, the message box, the title."""

    story: StoryView


ResetReason = Literal[
    "too_old", "invalid", "overflow", "stalled", "signed_out", "access_changed", "shutdown"
]


class LiveReset(msgspec.Struct, kw_only=True):
    """``reset``: what the client has may be incomplete; re-fetch the first page, then
    reconnect without an id. ``reason`` says why; the stream closes after every reason but
    ``too_old`` and ``invalid`` (a resume that could not be honoured: the stream goes on live)."""

    reason: ResetReason


class LiveQueueCounts(msgspec.Struct, kw_only=True):
    """``queue.counts`` (moderators): one site's queues, recomputed from the data."""

    site_id: str
    counts: QueueCounts


class LiveQueueItem(msgspec.Struct, kw_only=True):
    """``queue.item`` (moderators): a comment entered, left or changed in a queue; its card
    as the desk shows it (``status`` says where it is now)."""

    card: ModerationCard


class LiveUnread(msgspec.Struct, kw_only=True):
    """``notifications.unread``: the signed-in reader's unread notifications, now."""

    unread: int
