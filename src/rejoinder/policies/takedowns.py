"""Takedown requests: anyone may ask for a comment's removal on legal grounds; the desk
decides within the statutory clock (``takedowns.days``, 7 by default, as Japan's 2025
platform law asks of large platforms) and the requester is told the outcome and why.

Messages to the requester are written in the request's language and stored in
``takedown_messages``; the notifications consumer mails each one when the event of its
request arrives (once: the consumer's position moves with the queued mail). Events carry ids
only: contact details never leave these tables (webhooks, live streams).

Reminders (:func:`remind`, run by the mail worker's rounds): the site's moderators are told
when an open request is due within a day, and again when it is overdue, once each.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import and_, insert, select, update

from rejoinder.accounts.models import accounts
from rejoinder.accounts.service import EMAIL
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import TakedownDecided, TakedownReceived, TakedownReminded
from rejoinder.kernel.bounds import check_line, has_control
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.errors import Conflict, Invalid, NotFound, RateLimited
from rejoinder.moderation import audit
from rejoinder.moderation.access import Scope
from rejoinder.moderation.actions.comments import apply_to
from rejoinder.policies import letters
from rejoinder.policies.models import takedown_messages, takedown_requests
from rejoinder.policies.schemas import (
    TakedownCreate,
    TakedownDecision,
    TakedownQueue,
    TakedownReceipt,
    TakedownView,
)
from rejoinder.runtime import Runtime
from rejoinder.settings import SiteSettings
from rejoinder.storage.database import Connection, Database, Transaction
from rejoinder.stories.models import stories

PERMALINK: Final = re.compile(r"#comment-(\d{1,18})$")
OUTCOMES: Final = {"remove": "removed", "keep": "kept"}
DAY: Final = timedelta(days=1)


def _text(value: str, field: str, *, lines: bool = False) -> str:
    cleaned = "".join(
        ch for ch in value if (lines and ch == "\n") or not unicodedata.category(ch).startswith("C")
    ).strip()
    if not cleaned:
        raise Invalid(f"Fill in {field.replace('_', ' ')}.", code="takedown_invalid", field=field)
    return cleaned


def _comment_id(data: TakedownCreate) -> int:
    if data.comment_id is not None:
        return data.comment_id
    found = PERMALINK.search(data.permalink or "")
    if found is None:
        raise Invalid(
            "Give the comment's id or its link (ending in #comment-<number>).",
            code="takedown_invalid",
            field="comment_id",
        )
    return int(found.group(1))


async def file_request(
    runtime: Runtime, site: SiteSettings, data: TakedownCreate, client: str
) -> TakedownReceipt:
    """Record a request and its acknowledgement; 429 past the per-address limit."""
    settings = runtime.settings.takedowns
    if data.reason not in settings.reasons:
        raise Invalid(
            f"Choose one of the reasons: {', '.join(settings.reasons)}.",
            code="unknown_takedown_reason",
        )
    name = check_line(_text(data.contact_name, "contact_name"), "contact name")
    email = data.contact_email.strip()
    if not EMAIL.match(email) or has_control(email):
        raise Invalid("Enter a valid e-mail address.", code="email_invalid")
    if data.permalink is not None and has_control(data.permalink):
        raise Invalid(
            "The link may not hold control characters.", code="takedown_invalid", field="permalink"
        )
    statement = _text(data.statement, "statement", lines=True)
    comment_id = _comment_id(data)
    wait = await runtime.limiter.hit(
        f"takedown:{client}", limit=settings.requests_per_hour_per_address, window_seconds=3600
    )
    if wait is not None:
        raise RateLimited("Too many requests from this address; try later.", retry_after=wait)
    now = runtime.clock.now()
    deadline = now + timedelta(days=settings.days)
    lang = letters.language(data.language or site.language)
    async with runtime.db.transaction() as tx:
        found = (
            await tx.conn.execute(
                select(comments.c.id)
                .join(stories, stories.c.id == comments.c.story_id)
                .where(
                    comments.c.id == comment_id,
                    stories.c.site_id == site.id,
                    comments.c.deleted_at.is_(None),
                )
            )
        ).first()
        if found is None:
            raise NotFound(
                f"There is no comment {comment_id} on this site.", code="comment_not_found"
            )
        request_id = (
            await tx.conn.execute(
                insert(takedown_requests)
                .values(
                    site_id=site.id,
                    comment_id=comment_id,
                    permalink=data.permalink,
                    reason=data.reason,
                    contact_name=name,
                    contact_email=email,
                    statement=statement,
                    received_at=now,
                    deadline_at=deadline,
                    status="open",
                    language=lang,
                )
                .returning(takedown_requests.c.id)
            )
        ).scalar_one()
        subject, text = letters.received(
            lang, site.name, request_id, name, comment_id, data.reason, deadline
        )
        await _message(tx, request_id, "received", email, subject, text, now)
        tx.emit(TakedownReceived(site_id=site.id, request_id=request_id, comment_id=comment_id))
    return TakedownReceipt(id=request_id, status="open", received_at=now, deadline_at=deadline)


async def _message(  # noqa: PLR0917 - one row, every column
    tx: Transaction,
    request_id: int,
    kind: str,
    to: str,
    subject: str,
    body: str,
    now: datetime,
) -> None:
    await tx.conn.execute(
        insert(takedown_messages).values(
            request_id=request_id,
            kind=kind,
            to_email=to,
            subject=subject,
            body=body,
            created_at=now,
        )
    )


def _view(row: Any, now: datetime, remind_days: int) -> TakedownView:
    left = row.deadline_at - now
    days_left = (
        left.days if left >= timedelta(0) else -((-left).days + (1 if (-left).seconds else 0))
    )
    is_open = row.status == "open"
    return TakedownView(
        id=row.id,
        site_id=row.site_id,
        comment_id=row.comment_id,
        comment_body_html=row.body_html,
        comment_status=row.comment_status,
        permalink=row.permalink,
        reason=row.reason,
        contact_name=row.contact_name,
        contact_email=row.contact_email,
        statement=row.statement,
        received_at=row.received_at,
        deadline_at=row.deadline_at,
        days_left=days_left,
        due_soon=is_open and timedelta(0) <= left <= timedelta(days=remind_days),
        due_within_day=is_open and timedelta(0) <= left <= DAY,
        overdue=is_open and left < timedelta(0),
        language=row.language,
        status=row.status,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
        decided_by_name=row.decided_by_name,
        decision_reason=row.decision_reason,
    )


def _select() -> Any:
    return (
        select(
            takedown_requests,
            comments.c.body_html,
            comments.c.status.label("comment_status"),
            accounts.c.display_name.label("decided_by_name"),
        )
        .outerjoin(comments, comments.c.id == takedown_requests.c.comment_id)
        .outerjoin(accounts, accounts.c.id == takedown_requests.c.decided_by)
    )


async def queue(
    runtime: Runtime, conn: Connection, scope: Scope, site: str | None, status: str
) -> TakedownQueue:
    """The desk's Takedown queue: open requests by deadline (nearest first)."""
    query = _select().order_by(takedown_requests.c.deadline_at, takedown_requests.c.id).limit(500)
    if site is not None:
        scope.check(site)
        query = query.where(takedown_requests.c.site_id == site)
    elif scope.sites_or_all is not None:
        query = query.where(takedown_requests.c.site_id.in_(sorted(scope.sites)))
    if status != "all":
        query = query.where(takedown_requests.c.status == status)
    now = runtime.clock.now()
    remind = runtime.settings.takedowns.remind_days
    rows = (await conn.execute(query)).all()
    return TakedownQueue(requests=[_view(row, now, remind) for row in rows])


async def decide(
    runtime: Runtime, scope: Scope, request_id: int, decision: TakedownDecision
) -> TakedownView:
    """Remove the comment (a moderator's rejection) or keep it; the reason goes back."""
    reason = _text(decision.reason, "reason", lines=True)
    async with runtime.db.read() as conn:
        row = (await conn.execute(_select().where(takedown_requests.c.id == request_id))).first()
    if row is None or not scope.allows(row.site_id):
        raise NotFound("There is no such takedown request.", code="takedown_not_found")
    if row.status != "open":
        raise Conflict("This request was decided already.", code="takedown_decided")
    if decision.outcome == "remove" and row.comment_id is not None:
        rejection = runtime.settings.moderation.rejection_reasons
        why = "legal" if "legal" in rejection else rejection[-1]
        await apply_to(
            runtime,
            scope,
            [row.comment_id],
            "reject",
            reason=why,
            note=f"takedown request #{request_id}",
        )
    now = runtime.clock.now()
    status = OUTCOMES[decision.outcome]
    site = runtime.settings.site(row.site_id)
    publication = site.name if site else row.site_id
    async with runtime.db.transaction() as tx:
        changed = await tx.conn.execute(
            update(takedown_requests)
            .where(and_(takedown_requests.c.id == request_id, takedown_requests.c.status == "open"))
            .values(
                status=status, decided_at=now, decided_by=scope.account_id, decision_reason=reason
            )
        )
        if not changed.rowcount:
            raise Conflict("This request was decided already.", code="takedown_decided")
        subject, text = letters.decision(
            row.language, publication, request_id, row.contact_name, status, reason
        )
        await _message(tx, request_id, "decision", row.contact_email, subject, text, now)
        await audit.write(
            tx.conn,
            scope,
            "takedown.decided",
            now=now,
            site_id=row.site_id,
            comment_id=row.comment_id,
            before={"request": request_id, "status": "open"},
            after={"request": request_id, "status": status},
            reason=reason,
        )
        tx.emit(TakedownDecided(site_id=row.site_id, request_id=request_id, outcome=status))
    async with runtime.db.read() as conn:
        fresh = (await conn.execute(_select().where(takedown_requests.c.id == request_id))).one()
    return _view(fresh, now, runtime.settings.takedowns.remind_days)


async def remind(db: Database, clock: Clock) -> int:
    """Mark open requests due within a day, or overdue, that were not yet reminded of it, and
    emit ``takedown.reminded`` for each (the notifications consumer mails the site's
    moderators; the desk's banner counts them). Each stage once per request: the mark is a
    conditional update, so two workers racing remind once. A request first seen overdue is
    reminded only as overdue. Returns the number of reminders."""
    now = clock.now()
    sent = 0
    async with db.transaction() as tx:
        rows = (
            await tx.conn.execute(
                select(
                    takedown_requests.c.id,
                    takedown_requests.c.site_id,
                    takedown_requests.c.deadline_at,
                    takedown_requests.c.due_reminded_at,
                )
                .where(
                    takedown_requests.c.status == "open",
                    takedown_requests.c.overdue_reminded_at.is_(None),
                    takedown_requests.c.deadline_at <= now + DAY,
                )
                .order_by(takedown_requests.c.deadline_at, takedown_requests.c.id)
                .limit(500)
            )
        ).all()
        for row in rows:
            overdue = row.deadline_at < now
            if not overdue and row.due_reminded_at is not None:
                continue
            column = (
                takedown_requests.c.overdue_reminded_at
                if overdue
                else takedown_requests.c.due_reminded_at
            )
            values: dict[str, Any] = {column.name: now}
            if overdue and row.due_reminded_at is None:
                values["due_reminded_at"] = now  # past "due within a day": not said any more
            changed = await tx.conn.execute(
                update(takedown_requests)
                .where(takedown_requests.c.id == row.id, column.is_(None))
                .values(**values)
            )
            if changed.rowcount:
                sent += 1
                tx.emit(
                    TakedownReminded(
                        site_id=row.site_id,
                        request_id=row.id,
                        stage="overdue" if overdue else "due",
                    )
                )
    return sent


async def messages(conn: Connection, request_id: int) -> list[dict[str, Any]]:
    rows = await conn.execute(
        select(takedown_messages)
        .where(takedown_messages.c.request_id == request_id)
        .order_by(takedown_messages.c.id)
    )
    return [row._asdict() for row in rows]


async def transparency_report(runtime: Runtime, year: int) -> dict[str, Any]:
    """Requests received in ``year`` (UTC): counts by reason and outcome, and on time."""
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(
                    takedown_requests.c.site_id,
                    takedown_requests.c.reason,
                    takedown_requests.c.status,
                    takedown_requests.c.decided_at,
                    takedown_requests.c.deadline_at,
                ).where(
                    takedown_requests.c.received_at >= start,
                    takedown_requests.c.received_at < end,
                )
            )
        ).all()
    by_reason: dict[str, Counter[str]] = {}
    for row in rows:
        by_reason.setdefault(row.reason, Counter())[row.status] += 1
    on_time = sum(1 for r in rows if r.decided_at is not None and r.decided_at <= r.deadline_at)
    late = sum(1 for r in rows if r.decided_at is not None and r.decided_at > r.deadline_at)
    return {
        "year": year,
        "received": len(rows),
        "by_outcome": dict(sorted(Counter(r.status for r in rows).items())),
        "by_reason": {
            reason: {"received": sum(c.values()), **dict(sorted(c.items()))}
            for reason, c in sorted(by_reason.items())
        },
        "by_site": dict(sorted(Counter(r.site_id for r in rows).items())),
        "decided_on_time": on_time,
        "decided_late": late,
    }
