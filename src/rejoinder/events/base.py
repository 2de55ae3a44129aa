"""What every domain event is, and what it can affect.

An event is a frozen msgspec struct tagged with its stable name (``comment.created``), written
to the ``events`` table in the transaction that made the change (``events.outbox``) and
delivered after the commit, in id order, by the relay (``events.relay``). Each event says what
it affects; consumers such as the page cache act on those effects and never guess from names.
"""

from __future__ import annotations

from typing import Any

import msgspec


class StoryPages(msgspec.Struct, frozen=True):
    """The pages of one story (its thread, counts and permalinks)."""

    site_id: str
    story_key: str


class AccountPages(msgspec.Struct, frozen=True):
    """Every page where this account appears (name, badges, text)."""

    account_id: int


class AccountAccess(msgspec.Struct, frozen=True):
    """What this account may do: tokens, plan, role, sanctions (cached viewers must go)."""

    account_id: int


class ModerationQueue(msgspec.Struct, frozen=True):
    """The moderation queues and counts of one site."""

    site_id: str


class ReaderNotifications(msgspec.Struct, frozen=True):
    """This reader's in-page notifications (their unread count)."""

    account_id: int


Effect = StoryPages | AccountPages | AccountAccess | ModerationQueue | ReaderNotifications


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="name"):
    """Base of every domain event. Subclasses set ``tag=`` to their stable name."""

    def affects(self) -> tuple[Effect, ...]:
        """What this event changes for readers (pages, access, queues)."""
        return ()

    @property
    def name(self) -> str:
        return event_name(type(self))

    def story_scope(self) -> tuple[str | None, int | None]:
        site = getattr(self, "site_id", None)
        story = getattr(self, "story_id", None)
        return (site if isinstance(site, str) else None, story if isinstance(story, int) else None)

    def account(self) -> int | None:
        value: Any = getattr(self, "account_id", None)
        return value if isinstance(value, int) else None


def event_name(kind: type[Event]) -> str:
    tag = kind.__struct_config__.tag
    assert isinstance(tag, str), f"{kind.__name__} has no tag"
    return tag
