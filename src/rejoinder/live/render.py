"""What each reader may see of one event: the public frame, and its author's own.

Visibility is decided per event from the transition the event records (``previous_status``
to ``status``) and the comment as it is now, the same way live and on replay:

- the public sees published comments only: a comment becoming published arrives as
  ``comment.created``, a published one leaving (rejected, held again) as ``comment.removed``;
- the author also sees their own pending comment (``comment.created``, ``comment.edited``)
  and what became of it (``comment.approved`` or ``comment.removed`` with the reason);
- a comment that is no longer visible now is not sent as new or edited: a comment rejected
  since is never replayed as new (its later removal, if it was ever public, still goes out).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from rejoinder.comments.queries import comment_row
from rejoinder.comments.rows import ViewRow, to_view, uses_initials
from rejoinder.events.base import Event
from rejoinder.events.catalogue import (
    CommentCreated,
    CommentDeleted,
    CommentEdited,
    CommentEvent,
    CommentFeatured,
    CommentPinned,
    CommentReacted,
    CommentStatusChanged,
    StoryUpdated,
)
from rejoinder.live.frames import frame
from rejoinder.live.schemas import LiveComment, LiveDeleted, LiveReactions, LiveRemoved, LiveStory
from rejoinder.settings import Settings, SiteSettings
from rejoinder.storage.database import Connection
from rejoinder.stories.queries import story_by_id, story_view

PUBLISHED = "published"


class Rendered(NamedTuple):
    """``public`` for everyone, except the comment's author, who gets ``own``."""

    public: bytes | None
    own: bytes | None = None
    author_id: int | None = None

    def for_reader(self, account_id: int | None) -> bytes | None:
        if account_id is not None and account_id == self.author_id:
            return self.own
        return self.public


NOTHING = Rendered(None)
# Events a story's stream may carry (the others never reach a reader).
STORY_EVENTS = (
    CommentCreated,
    CommentEdited,
    CommentDeleted,
    CommentStatusChanged,
    CommentFeatured,
    CommentPinned,
    CommentReacted,
    StoryUpdated,
)


class Rows:
    """The comments as they are now, read once per batch of events (one indexed read each)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._rows: dict[int, ViewRow | None] = {}
        self._hidden: dict[int, bool] = {}

    async def get(self, comment_id: int) -> ViewRow | None:
        if comment_id not in self._rows:
            self._rows[comment_id] = await comment_row(self.conn, comment_id)
        return self._rows[comment_id]

    async def hidden(self, story_id: int) -> bool:
        """The story's section is hidden (a protection rule's ``hide``): read once a batch."""
        if story_id not in self._hidden:
            story = await story_by_id(self.conn, story_id)
            self._hidden[story_id] = story.status == "hidden"
        return self._hidden[story_id]


async def render(  # noqa: PLR0917 - the event and what it is rendered against
    rows: Rows,
    event_id: int,
    event: Event,
    settings: Settings,
    now: datetime,
    hidden: bool | None = None,
) -> Rendered:
    """The event's frame (``hidden``: whether its section was hidden when it happened, if
    known; else the section's state now)."""
    if isinstance(event, StoryUpdated):
        story = await story_by_id(rows.conn, event.story_id)
        view = story_view(story, settings.site(story.site_id), now)
        return Rendered(frame("story.updated", LiveStory(story=view), event_id))
    if not isinstance(event, STORY_EVENTS) or not isinstance(event, CommentEvent):
        return NOTHING
    site = settings.site(event.site_id)
    unseen = isinstance(event, CommentReacted) and event.status != PUBLISHED
    if unseen or await _in_hidden_section(rows, event, site, hidden):
        return NOTHING
    if isinstance(event, CommentReacted):
        data = LiveReactions(id=event.comment_id, reactions=event.reactions)
        return _same(frame("comment.reactions", data, event_id), event)
    shown = uses_initials(site)
    if isinstance(event, CommentDeleted):
        return _deleted(event_id, event, await rows.get(event.comment_id), settings, shown)
    return _changed(event_id, event, await rows.get(event.comment_id), settings, shown)


async def _in_hidden_section(
    rows: Rows, event: CommentEvent, site: SiteSettings | None, hidden: bool | None
) -> bool:
    """A hidden section sends nothing (a held comment approved meanwhile, a reaction); looked
    up only where a site's rule can hide, so other sites' streams pay nothing for it."""
    rule = site.protection if site is not None else None
    if rule is None or rule.action != "hide":
        return False
    return hidden if hidden is not None else await rows.hidden(event.story_id)


def _same(data: bytes, event: CommentEvent) -> Rendered:
    return Rendered(data, data, event.account_id)


def _deleted(
    event_id: int, event: CommentDeleted, row: ViewRow | None, settings: Settings, shown: bool
) -> Rendered:
    tombstone = (
        to_view(row, settings, initials_of=shown) if event.tombstone and row is not None else None
    )
    data = frame(
        "comment.deleted",
        LiveDeleted(
            id=event.comment_id,
            parent_id=event.parent_id,
            tombstone=tombstone is not None,
            comment=tombstone,
        ),
        event_id,
    )
    if event.status == PUBLISHED:
        return _same(data, event)
    if event.status == "pending":  # only its author ever saw it
        return Rendered(None, data, event.account_id)
    return NOTHING


def _changed(
    event_id: int, event: CommentEvent, row: ViewRow | None, settings: Settings, shown: bool
) -> Rendered:
    before = getattr(event, "previous_status", event.status)
    after = event.status
    if isinstance(event, CommentCreated):
        before = "new"
    now_status = row.status if row is not None and row.deleted_at is None else "gone"
    removed = frame(
        "comment.removed",
        LiveRemoved(id=event.comment_id, parent_id=event.parent_id, status=after),
        event_id,
    )
    public: bytes | None = None
    if after == PUBLISHED and now_status == PUBLISHED:
        name = "comment.edited" if before == PUBLISHED else "comment.created"
        public = frame(
            name, LiveComment(comment=to_view(row, settings, initials_of=shown)), event_id
        )
    elif before == PUBLISHED and after != PUBLISHED:
        public = removed
    author = event.account_id
    if author is None:
        return Rendered(public)
    own: bytes | None = public
    if after == "pending" and now_status == "pending":
        name = "comment.created" if before == "new" else "comment.edited"
        own = frame(
            name, LiveComment(comment=to_view(row, settings, author, initials_of=shown)), event_id
        )
    elif after == PUBLISHED and before == "pending" and now_status == PUBLISHED:
        own = frame(
            "comment.approved",
            LiveComment(comment=to_view(row, settings, author, initials_of=shown)),
            event_id,
        )
    elif after == "rejected" and before in {PUBLISHED, "pending"}:
        reason = row.moderation_reason if row is not None else None
        own = frame(
            "comment.removed",
            LiveRemoved(
                id=event.comment_id,
                parent_id=event.parent_id,
                status=after,
                moderation_reason=reason,
            ),
            event_id,
        )
    elif after == "pending" and before == PUBLISHED:
        own = removed  # held again: the page shows own pending comments only on reload
    return Rendered(public, own, author)
