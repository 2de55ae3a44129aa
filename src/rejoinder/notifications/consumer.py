"""The notifications consumer: catalogue events in, notification rows (and mail) out.

A durable consumer of the relay: each batch of events is applied in the transaction that
moves its recorded position, so a crash neither loses nor repeats a notification. What it
turns into a notification, for whom:

- ``comment.created`` (published) or ``comment.status_changed`` pending → published, of a
  reply: the parent's author (kind ``reply``, or ``staff_reply`` when staff wrote it) and, for
  a staff reply, every other author up the thread (``staff_reply``);
- ``comment.status_changed`` of a held comment (pending → published or rejected): its author
  (kind ``moderation``, with the outcome and the moderator's reason);
- ``comment.featured`` (set): its author (kind ``featured``);
- ``takedown.received`` / ``takedown.decided`` / ``takedown.reminded``: the requester's
  acknowledgement and decision, the moderators' reminders (``notifications.takedowns``).

Each reader's settings decide: a kind switched off makes nothing; mail ``immediate`` queues
a mail in the same transaction, ``daily``/``weekly`` leaves the item for the digest.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, insert, select

from rejoinder.accounts.models import accounts
from rejoinder.accounts.viewer import STAFF_ROLES
from rejoinder.comments.models import comments
from rejoinder.events.base import Event
from rejoinder.events.catalogue import (
    CommentCreated,
    CommentFeatured,
    CommentStatusChanged,
    ReaderNotified,
    TakedownDecided,
    TakedownReceived,
    TakedownReminded,
)
from rejoinder.kernel.clock import Clock
from rejoinder.notifications import compose, outbox, takedowns
from rejoinder.notifications.models import notifications
from rejoinder.notifications.preferences import default_site, language_of, read, wants
from rejoinder.settings import Settings
from rejoinder.storage.database import Transaction
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

NAME = "notifications"
MAX_ANCESTORS = 64

PARENT = defined(
    select(comments.c.account_id, comments.c.parent_id).where(comments.c.id == bindparam("id"))
)
ROLE = defined(select(accounts.c.role).where(accounts.c.id == bindparam("id")))
RECIPIENT = defined(select(accounts.c.id, accounts.c.email).where(accounts.c.id == bindparam("id")))
CONTEXT = defined(
    select(stories.c.title, stories.c.url, stories.c.site_id, accounts.c.display_name)
    .select_from(comments)
    .join(stories, stories.c.id == comments.c.story_id)
    .outerjoin(accounts, accounts.c.id == comments.c.account_id)
    .where(comments.c.id == bindparam("id"))
)
INSERT = defined(
    insert(notifications).values(
        account_id=bindparam("account_id"),
        kind=bindparam("kind"),
        comment_id=bindparam("comment_id"),
        story_id=bindparam("story_id"),
        actor_id=bindparam("actor_id"),
        outcome=bindparam("outcome"),
        reason=bindparam("reason"),
        event_id=bindparam("event_id"),
        created_at=bindparam("now"),
        digest_pending=bindparam("digest_pending"),
    )
)


def permalink(url: str, comment_id: int) -> str:
    return f"{url.split('#', 1)[0]}#comment-{comment_id}"


class NotificationConsumer:
    """``DurableConsumer`` named ``notifications`` (its position row is made by migration 0008)."""

    name = NAME

    def __init__(self, settings: Settings, clock: Clock, secret: str, wake: Any = None) -> None:
        self._settings = settings
        self._clock = clock
        self._secret = secret
        self._wake = wake

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None:
        if isinstance(event, CommentCreated):
            if event.status == "published":
                await self._reply(tx, event_id, event)
        elif isinstance(event, CommentStatusChanged):
            if event.previous_status == "pending" and event.status in {"published", "rejected"}:
                outcome = "approved" if event.status == "published" else "rejected"
                if event.account_id is not None:
                    await self._notify(
                        tx, event_id, event.account_id, "moderation", event,
                        actor_id=None, outcome=outcome, reason=event.reason,
                    )  # fmt: skip
                if event.status == "published":
                    await self._reply(tx, event_id, event)
        elif isinstance(event, CommentFeatured) and event.featured and event.account_id:
            await self._notify(tx, event_id, event.account_id, "featured", event, actor_id=None)
        elif isinstance(event, TakedownReceived | TakedownDecided | TakedownReminded):
            queued = await takedowns.apply(tx, self._settings, self._clock, event)
            if queued and self._wake is not None:
                self._wake()

    async def _reply(
        self, tx: Transaction, event_id: int, event: CommentCreated | CommentStatusChanged
    ) -> None:
        if event.parent_id is None:
            return
        actor = event.account_id
        role = (await tx.conn.execute(ROLE, {"id": actor})).scalar() if actor else None
        staff = role in STAFF_ROLES
        told: set[int | None] = {actor, None}
        parent_id: int | None = event.parent_id
        for depth in range(MAX_ANCESTORS):
            if parent_id is None:
                break
            row = (await tx.conn.execute(PARENT, {"id": parent_id})).first()
            if row is None:
                break
            author = row.account_id
            if author not in told:
                told.add(author)
                if depth == 0:
                    kind = "staff_reply" if staff else "reply"
                    await self._notify(tx, event_id, author, kind, event, actor_id=actor)
                elif staff:
                    await self._notify(tx, event_id, author, "staff_reply", event, actor_id=actor)
            if not staff:
                break  # a reader's reply tells the parent's author only
            parent_id = row.parent_id

    async def _notify(
        self,
        tx: Transaction,
        event_id: int,
        account_id: int,
        kind: str,
        event: CommentCreated | CommentStatusChanged | CommentFeatured,
        *,
        actor_id: int | None,
        outcome: str | None = None,
        reason: str | None = None,
    ) -> None:
        conn = tx.conn
        recipient = (await conn.execute(RECIPIENT, {"id": account_id})).first()
        if recipient is None:
            return  # erased since
        chosen = await read(conn, account_id)
        if not wants(chosen, kind):
            return
        now = self._clock.now()
        await conn.execute(
            INSERT,
            {
                "account_id": account_id,
                "kind": kind,
                "comment_id": event.comment_id,
                "story_id": event.story_id,
                "actor_id": actor_id,
                "outcome": outcome,
                "reason": reason,
                "event_id": event_id,
                "now": now,
                "digest_pending": chosen.email in {"daily", "weekly"},
            },
        )
        # The reader's open pages learn of it (their unread count) through the live streams.
        tx.emit(ReaderNotified(account_id=account_id, kind=kind, comment_id=event.comment_id))
        if chosen.email != "immediate" or not recipient.email:
            return  # (an account without an address, e.g. SSO without e-mail: in-page only)
        found = (await conn.execute(CONTEXT, {"id": event.comment_id})).first()
        if found is None:
            return
        site = default_site(self._settings, event.site_id)
        item = compose.Item(
            kind=kind,
            title=found.title or found.url,
            permalink=permalink(found.url, event.comment_id),
            actor=found.display_name if actor_id else None,
            outcome=outcome,
            reason=reason,
        )
        body = compose.render(
            [item],
            language_of(chosen, site),
            period=None,
            settings_url=outbox.settings_url(self._settings),
            unsubscribe_url=outbox.unsubscribe_url(self._settings, self._secret, account_id, now),
        )
        await outbox.queue(conn, self._settings, account_id, "immediate", body, now)
        if self._wake is not None:
            self._wake()
