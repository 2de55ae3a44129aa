"""The catalogue: every domain event Rejoinder writes, and what each one affects.

Adding an event is adding a struct here (and to ``CATALOGUE``). Payloads are versioned by
their fields: new fields get defaults, so events already in the log still decode.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Union

import msgspec

from rejoinder.events.base import (
    AccountAccess,
    AccountPages,
    Effect,
    Event,
    ModerationQueue,
    ReaderNotifications,
    StoryPages,
    event_name,
)

# -- comments --------------------------------------------------------------------------------


class CommentEvent(Event, frozen=True, kw_only=True):
    """Fields every comment event carries: the comment, its story and its author."""

    comment_id: int
    story_id: int
    site_id: str
    story_key: str
    parent_id: int | None = None
    account_id: int | None = None
    status: str = "published"

    def pages(self) -> StoryPages:
        return StoryPages(self.site_id, self.story_key)


class CommentCreated(CommentEvent, frozen=True, kw_only=True, tag="comment.created"):
    """A new comment; ``status`` is its moderation outcome (published, pending, rejected)."""

    def affects(self) -> tuple[Effect, ...]:
        # Every new comment enters a queue: published ones "unmoderated", the others
        # "pending" or "rejected". A held one changes its author's view of the story's pages
        # (their own pending comment is spliced in; ``comments.reading.overlaid``).
        return (self.pages(), ModerationQueue(self.site_id))


class CommentEdited(CommentEvent, frozen=True, kw_only=True, tag="comment.edited"):
    """The author edited; the edit went through moderation again (``status`` after it)."""

    previous_status: str = "published"

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(), ModerationQueue(self.site_id))


class CommentDeleted(CommentEvent, frozen=True, kw_only=True, tag="comment.deleted"):
    """The author deleted it: a tombstone when it has replies, gone otherwise."""

    tombstone: bool = False

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(), ModerationQueue(self.site_id))


class CommentStatusChanged(CommentEvent, frozen=True, kw_only=True, tag="comment.status_changed"):
    """A moderator (or a sanction) approved, rejected or held it; ``reason`` is what the
    author may read of a rejection (the moderator's chosen reason or note)."""

    previous_status: str
    moderator_id: int | None = None
    reason: str | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(), ModerationQueue(self.site_id))


class CommentFeatured(CommentEvent, frozen=True, kw_only=True, tag="comment.featured"):
    """An editor's pick set or cleared."""

    featured: bool

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(),)


class CommentPinned(CommentEvent, frozen=True, kw_only=True, tag="comment.pinned"):
    pinned: bool

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(),)


class CommentReacted(CommentEvent, frozen=True, kw_only=True, tag="comment.reacted"):
    """A reaction added or taken back; ``reactions`` are the new counts."""

    kind: str
    added: bool
    reactor_id: int
    reactions: dict[str, int] = msgspec.field(default_factory=dict)

    def affects(self) -> tuple[Effect, ...]:
        return (self.pages(),)


class CommentReported(CommentEvent, frozen=True, kw_only=True, tag="comment.reported"):
    report_id: int
    reason: str
    reporter_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class ReportsDismissed(CommentEvent, frozen=True, kw_only=True, tag="comment.reports_dismissed"):
    moderator_id: int | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class ImportedStory(msgspec.Struct, frozen=True):
    """One story an import transaction wrote comments on, and how many."""

    story_id: int
    story_key: str
    count: int


class CommentsImported(Event, frozen=True, kw_only=True, tag="comments.imported"):
    """One transaction of an import wrote ``count`` comments, on ``stories``: one event per
    transaction however many comments and stories it holds (an export is in date order, so a
    batch of a busy site's export touches nearly as many stories as it has comments; one
    event per story and batch was close to one per comment). Events written before
    ``stories`` existed name their one story in ``story_id`` and ``story_key``."""

    site_id: str
    count: int
    system: str
    stories: list[ImportedStory] = msgspec.field(default_factory=list)
    story_id: int | None = None
    story_key: str = ""

    def affects(self) -> tuple[Effect, ...]:
        keys = [story.story_key for story in self.stories]
        if self.story_key:
            keys.append(self.story_key)
        return tuple(StoryPages(self.site_id, key) for key in keys)


class ImportedHistoryClaimed(Event, frozen=True, kw_only=True, tag="account.imported_claimed"):
    """A subscriber signed in with the verified e-mail of imported authors: their comments
    are now the subscriber's (``imported``: the imported authors' account ids)."""

    account_id: int
    imported: list[int] = msgspec.field(default_factory=list)

    def affects(self) -> tuple[Effect, ...]:
        return (
            AccountPages(self.account_id),
            *(AccountPages(account) for account in self.imported),
        )


# -- stories ---------------------------------------------------------------------------------


class StoryEvent(Event, frozen=True, kw_only=True):
    story_id: int
    site_id: str
    story_key: str

    def affects(self) -> tuple[Effect, ...]:
        return (StoryPages(self.site_id, self.story_key),)


class StoryCreated(StoryEvent, frozen=True, kw_only=True, tag="story.created"):
    """A story, from the publisher's API or lazily on its first embed load."""


class StoryUpdated(StoryEvent, frozen=True, kw_only=True, tag="story.updated"):
    """Title, URL, open/closed, pre-moderation or the message box changed."""

    # The comments' state after the change (open, closed, hidden) when it was set: live
    # streams follow a hidden section in event order (``live.hub``).
    status: str | None = None


class SectionProtected(Event, frozen=True, kw_only=True, tag="section.protected"):
    """A site's protection rule closed a story's comments; the desk shows an alert."""

    site_id: str
    story_id: int
    story_key: str
    alert_id: int
    kind: str
    action: str

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class SectionReopened(Event, frozen=True, kw_only=True, tag="section.reopened"):
    """A moderator reopened a story the protection rule had closed."""

    site_id: str
    story_id: int
    story_key: str
    alert_id: int
    moderator_id: int | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class TakedownReceived(Event, frozen=True, kw_only=True, tag="takedown.received"):
    """A takedown request arrived (contact details stay in its table)."""

    site_id: str
    request_id: int
    comment_id: int | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class TakedownDecided(Event, frozen=True, kw_only=True, tag="takedown.decided"):
    site_id: str
    request_id: int
    outcome: str

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


class TakedownReminded(Event, frozen=True, kw_only=True, tag="takedown.reminded"):
    """An open request is due within a day (``stage`` ``due``) or past its deadline
    (``overdue``): the site's moderators are told, once each."""

    site_id: str
    request_id: int
    stage: str

    def affects(self) -> tuple[Effect, ...]:
        return (ModerationQueue(self.site_id),)


# -- accounts, plans, profiles ---------------------------------------------------------------


class AccountSignedIn(Event, frozen=True, kw_only=True, tag="account.signed_in"):
    account_id: int
    method: str


class AccountSignedOut(Event, frozen=True, kw_only=True, tag="account.signed_out"):
    """A token was revoked."""

    account_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (AccountAccess(self.account_id),)


class AccountRoleChanged(Event, frozen=True, kw_only=True, tag="account.role_changed"):
    account_id: int
    role: str

    def affects(self) -> tuple[Effect, ...]:
        return (AccountPages(self.account_id), AccountAccess(self.account_id))


class PlanChanged(Event, frozen=True, kw_only=True, tag="account.plan_changed"):
    """The subscriber's plan changed (plan sync, SSO, a lapse): badges and entitlements."""

    account_id: int
    plan_id: str
    previous: str | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (AccountPages(self.account_id), AccountAccess(self.account_id))


class DisplayNameChanged(Event, frozen=True, kw_only=True, tag="profile.display_name_changed"):
    account_id: int
    display_name: str
    previous: str | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (AccountPages(self.account_id), AccountAccess(self.account_id))


class RegisteredNameChanged(
    Event, frozen=True, kw_only=True, tag="profile.registered_name_changed"
):
    """The reader's registered name changed. The name is never in the log: it is not public.
    Pages showing the account drop too: a site may show the initials of the name."""

    account_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (AccountAccess(self.account_id), AccountPages(self.account_id))


class NotificationSettingsChanged(
    Event, frozen=True, kw_only=True, tag="account.notifications_changed"
):
    account_id: int
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


class ReaderNotified(Event, frozen=True, kw_only=True, tag="notification.created"):
    """An in-page notification for ``account_id`` (written by the notifications consumer).

    Carries no story: it is the reader's, whatever page they are on, and is never replayed
    onto a story's stream."""

    account_id: int
    kind: str
    comment_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (ReaderNotifications(self.account_id),)


class NotificationsRead(Event, frozen=True, kw_only=True, tag="notifications.read"):
    """The reader marked some or all of their notifications read."""

    account_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (ReaderNotifications(self.account_id),)


class DeletionRequested(Event, frozen=True, kw_only=True, tag="account.deletion_requested"):
    account_id: int
    delete_after: str


class DeletionCancelled(Event, frozen=True, kw_only=True, tag="account.deletion_cancelled"):
    account_id: int


class AccountErased(Event, frozen=True, kw_only=True, tag="account.deleted"):
    """The account is gone: its comments became tombstones, its name is nowhere any more."""

    account_id: int

    def affects(self) -> tuple[Effect, ...]:
        return (AccountPages(self.account_id), AccountAccess(self.account_id))


# -- moderation of readers -------------------------------------------------------------------


class ReaderSanctioned(Event, frozen=True, kw_only=True, tag="reader.sanctioned"):
    account_id: int
    kind: str
    site_id: str | None = None
    sanction_id: int | None = None
    until: datetime | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (AccountAccess(self.account_id),)


class SanctionLifted(Event, frozen=True, kw_only=True, tag="reader.sanction_lifted"):
    account_id: int
    sanction_id: int
    site_id: str | None = None

    def affects(self) -> tuple[Effect, ...]:
        return (AccountAccess(self.account_id),)


CATALOGUE: tuple[type[Event], ...] = (
    CommentCreated,
    CommentEdited,
    CommentDeleted,
    CommentStatusChanged,
    CommentFeatured,
    CommentPinned,
    CommentReacted,
    CommentReported,
    ReportsDismissed,
    CommentsImported,
    ImportedHistoryClaimed,
    StoryCreated,
    StoryUpdated,
    SectionProtected,
    SectionReopened,
    TakedownReceived,
    TakedownDecided,
    TakedownReminded,
    AccountSignedIn,
    AccountSignedOut,
    AccountRoleChanged,
    PlanChanged,
    DisplayNameChanged,
    RegisteredNameChanged,
    NotificationSettingsChanged,
    ReaderNotified,
    NotificationsRead,
    DeletionRequested,
    DeletionCancelled,
    AccountErased,
    ReaderSanctioned,
    SanctionLifted,
)

BY_NAME: dict[str, type[Event]] = {event_name(kind): kind for kind in CATALOGUE}

_encoder = msgspec.json.Encoder()
# One tagged union of the whole catalogue: the payload's ``name`` picks the struct.
_decoder: msgspec.json.Decoder[Event] = msgspec.json.Decoder(Union.__getitem__(CATALOGUE))


def encode(event: Event) -> bytes:
    """The payload as stored in the log (the tag included)."""
    return _encoder.encode(event)


def decode(payload: bytes | str) -> Event:
    event: Event = _decoder.decode(payload)
    return event
