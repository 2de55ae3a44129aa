"""Sections that protect themselves: a per-site rule closes a story's comments when held or
rejected comments, or reports, pile up in a window.

The rule is applied by a durable consumer of the event log (``ProtectionConsumer``): each
counted event is tallied in the consumer's own transaction, so after a crash or a restart it
resumes where it stopped and nothing is counted twice. When a count in the window reaches
its threshold, the story is closed through the stories action (``story.updated``: cached
pages and live streams follow), the reader message set, an alert raised for the desk
(``section.protected``) and the automatic action written to the audit log. A moderator
reopens with one call; only events after the reopening count again.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import func, insert, select, update

from rejoinder.events.base import Event
from rejoinder.events.catalogue import (
    CommentCreated,
    CommentReported,
    CommentStatusChanged,
    SectionProtected,
    SectionReopened,
)
from rejoinder.events.models import events
from rejoinder.kernel.errors import Conflict, NotFound
from rejoinder.moderation import audit
from rejoinder.moderation.access import Scope
from rejoinder.policies.models import protection_alerts, protection_tallies
from rejoinder.runtime import Runtime
from rejoinder.settings import ProtectionRule, Settings
from rejoinder.storage.database import Connection, Transaction
from rejoinder.stories.models import stories
from rejoinder.stories.service import set_comment_state

CONSUMER: Final = "policies.protection"
KINDS: Final = ("held", "rejected", "reports")


def counted_kind(event: Event) -> str | None:
    """Which tally an event adds to, if any."""
    if isinstance(event, CommentCreated | CommentStatusChanged):
        return {"pending": "held", "rejected": "rejected"}.get(event.status)
    if isinstance(event, CommentReported):
        return "reports"
    return None


def threshold(rule: ProtectionRule, kind: str) -> int | None:
    return {
        "held": rule.held_threshold,
        "rejected": rule.rejected_threshold,
        "reports": rule.report_threshold,
    }[kind]


class ProtectionConsumer:
    """The durable consumer applying every site's protection rule."""

    name = CONSUMER

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def apply(self, tx: Transaction, event_id: int, event: Event) -> None:
        kind = counted_kind(event)
        if kind is None:
            return
        assert isinstance(event, CommentCreated | CommentStatusChanged | CommentReported)
        site = self._settings.site(event.site_id)
        rule = site.protection if site is not None else None
        if rule is None:
            return
        conn = tx.conn
        at = (
            await conn.execute(select(events.c.created_at).where(events.c.id == event_id))
        ).scalar_one()
        await conn.execute(
            insert(protection_tallies).values(
                site_id=event.site_id, story_id=event.story_id, kind=kind, event_id=event_id, at=at
            )
        )
        limit = threshold(rule, kind)
        if limit is None:
            return
        count = await _count(
            conn, event.story_id, kind, at - timedelta(minutes=rule.window_minutes)
        )
        if count < limit:
            return
        await _protect(tx, event, rule, kind, count, limit, event_id, at)


async def _count(conn: Connection, story_id: int, kind: str, since: datetime) -> int:
    """Tallies in the window, after the story was last reopened by a moderator."""
    reopened = (
        await conn.execute(
            select(func.max(protection_alerts.c.reopened_at)).where(
                protection_alerts.c.story_id == story_id
            )
        )
    ).scalar()
    start = max(since, reopened) if reopened is not None else since
    return int(
        (
            await conn.execute(
                select(func.count()).where(
                    protection_tallies.c.story_id == story_id,
                    protection_tallies.c.kind == kind,
                    protection_tallies.c.at > start,
                )
            )
        ).scalar_one()
    )


async def _protect(  # noqa: PLR0917 - every figure of the decision is recorded
    tx: Transaction,
    event: CommentCreated | CommentStatusChanged | CommentReported,
    rule: ProtectionRule,
    kind: str,
    count: int,
    limit: int,
    event_id: int,
    now: datetime,
) -> None:
    conn = tx.conn
    open_alert = (
        await conn.execute(
            select(protection_alerts.c.id).where(
                protection_alerts.c.story_id == event.story_id,
                protection_alerts.c.reopened_at.is_(None),
            )
        )
    ).first()
    story = (
        await conn.execute(
            select(stories.c.status, stories.c.message).where(stories.c.id == event.story_id)
        )
    ).first()
    if open_alert is not None or story is None or story.status != "open":
        return  # already protected, or closed by the newsroom: nothing to take over
    message = rule.message or story.message
    alert_id = (
        await conn.execute(
            insert(protection_alerts)
            .values(
                site_id=event.site_id,
                story_id=event.story_id,
                kind=kind,
                count=count,
                threshold=limit,
                window_minutes=rule.window_minutes,
                action=rule.action,
                message=message,
                previous_status=story.status,
                previous_message=story.message,
                triggered_at=now,
                event_id=event_id,
            )
            .returning(protection_alerts.c.id)
        )
    ).scalar_one()
    status = "hidden" if rule.action == "hide" else "closed"
    await set_comment_state(tx, event.story_id, status, message, now)
    await audit.write_automatic(
        conn,
        "section.protected",
        now=now,
        site_id=event.site_id,
        before={"story": event.story_key, "status": story.status, "message": story.message},
        after={"story": event.story_key, "status": status, "message": message},
        reason=f"{count} {kind} in {rule.window_minutes} min (threshold {limit})",
    )
    tx.emit(
        SectionProtected(
            site_id=event.site_id,
            story_id=event.story_id,
            story_key=event.story_key,
            alert_id=alert_id,
            kind=kind,
            action=rule.action,
        )
    )


async def reopen(runtime: Runtime, scope: Scope, alert_id: int) -> dict[str, Any]:
    """A moderator's one-click reopen: the story gets back its status and message."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        conn = tx.conn
        alert = (
            await conn.execute(
                select(protection_alerts, stories.c.story_key)
                .join(stories, stories.c.id == protection_alerts.c.story_id)
                .where(protection_alerts.c.id == alert_id)
            )
        ).first()
        if alert is None or not scope.allows(alert.site_id):
            raise NotFound("There is no such alert.", code="alert_not_found")
        if alert.reopened_at is not None:
            raise Conflict("This story was reopened already.", code="already_reopened")
        await conn.execute(
            update(protection_alerts)
            .where(protection_alerts.c.id == alert_id)
            .values(reopened_at=now, reopened_by=scope.account_id)
        )
        await set_comment_state(
            tx, alert.story_id, alert.previous_status, alert.previous_message, now
        )
        await audit.write(
            conn,
            scope,
            "section.reopened",
            now=now,
            site_id=alert.site_id,
            before={
                "story": alert.story_key,
                "status": "hidden" if alert.action == "hide" else "closed",
                "message": alert.message,
            },
            after={
                "story": alert.story_key,
                "status": alert.previous_status,
                "message": alert.previous_message,
            },
        )
        tx.emit(
            SectionReopened(
                site_id=alert.site_id,
                story_id=alert.story_id,
                story_key=alert.story_key,
                alert_id=alert_id,
                moderator_id=scope.account_id,
            )
        )
    return {"id": alert_id, "reopened_at": now}
