"""Reader feedback on a comment: reactions (``react``) and reports (``report``)."""

from __future__ import annotations

import msgspec
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.models import comment_reactions, comment_reports, comments
from rejoinder.comments.rows import AnyRow
from rejoinder.comments.rules import comment_event, locked, throttle
from rejoinder.comments.schemas import ReactionsView, ReportView
from rejoinder.events.catalogue import CommentReacted, CommentReported
from rejoinder.kernel.errors import Conflict, Invalid, NotFound
from rejoinder.plans.gate import require_entitlement
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection


async def _target(conn: Connection, comment_id: int) -> AnyRow:
    """A published, not deleted comment, locked for the transaction."""
    row = await locked(conn, comment_id)
    if row is None or row.status != "published" or row.deleted_at is not None:
        raise NotFound("There is no such comment.", code="comment_not_found")
    return row


async def _recount(conn: Connection, comment_id: int) -> dict[str, int]:
    rows = await conn.execute(
        select(comment_reactions.c.kind, func.count())
        .where(comment_reactions.c.comment_id == comment_id)
        .group_by(comment_reactions.c.kind)
    )
    counts = {kind: int(n) for kind, n in rows}
    await conn.execute(
        update(comments)
        .where(comments.c.id == comment_id)
        .values(reactions=msgspec.json.encode(counts).decode(), reaction_count=sum(counts.values()))
    )
    return counts


async def _mine(conn: Connection, comment_id: int, account_id: int) -> list[str]:
    rows = await conn.execute(
        select(comment_reactions.c.kind).where(
            comment_reactions.c.comment_id == comment_id,
            comment_reactions.c.account_id == account_id,
        )
    )
    return sorted(r.kind for r in rows)


async def react(
    runtime: Runtime, viewer: Viewer, comment_id: int, kind: str, *, add: bool, client: str
) -> ReactionsView:
    """Add or remove one reaction; doing it twice changes nothing the second time."""
    settings = runtime.settings
    require_entitlement(viewer, "react", settings, runtime.clock.now())
    if kind not in settings.comments.reaction_kinds:
        raise Invalid(
            f"Unknown reaction {kind!r}; use one of {', '.join(settings.comments.reaction_kinds)}.",
            code="unknown_reaction",
        )
    await throttle(
        runtime,
        "reactions",
        viewer.account_id,
        client,
        limit=settings.comments.reaction_rate_limit_count,
        window=60,
    )
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = await _target(tx.conn, comment_id)
        mine = set(await _mine(tx.conn, comment_id, viewer.account_id))
        changed = (kind not in mine) if add else (kind in mine)
        if changed and add:
            await tx.conn.execute(
                insert(comment_reactions).values(
                    comment_id=comment_id,
                    account_id=viewer.account_id,
                    kind=kind,
                    created_at=now,
                )
            )
            mine.add(kind)
        elif changed:
            await tx.conn.execute(
                delete(comment_reactions).where(
                    comment_reactions.c.comment_id == comment_id,
                    comment_reactions.c.account_id == viewer.account_id,
                    comment_reactions.c.kind == kind,
                )
            )
            mine.discard(kind)
        if changed:
            counts = await _recount(tx.conn, comment_id)
            tx.emit(
                comment_event(
                    CommentReacted,
                    row,
                    kind=kind,
                    added=add,
                    reactor_id=viewer.account_id,
                    reactions=counts,
                )
            )
        else:
            counts = msgspec.json.decode(row.reactions, type=dict[str, int])
    return ReactionsView(comment_id=comment_id, reactions=counts, reacted=sorted(mine))


async def report(
    runtime: Runtime,
    viewer: Viewer,
    comment_id: int,
    reason: str,
    note: str | None,
    *,
    client: str,
) -> ReportView:
    """Report a comment to the moderators; one report per reader per comment."""
    settings = runtime.settings
    require_entitlement(viewer, "report", settings, runtime.clock.now())
    if reason not in settings.moderation.report_reasons:
        allowed = ", ".join(settings.moderation.report_reasons)
        raise Invalid(f"Choose one of the report reasons: {allowed}.", code="unknown_report_reason")
    await throttle(
        runtime,
        "reports",
        viewer.account_id,
        client,
        limit=settings.comments.reaction_rate_limit_count,
        window=60,
    )
    now = runtime.clock.now()
    try:
        async with runtime.db.transaction() as tx:
            row = await _target(tx.conn, comment_id)
            if row.account_id == viewer.account_id:
                raise Invalid("You cannot report your own comment.", code="cannot_report_own")
            report_id = (
                await tx.conn.execute(
                    insert(comment_reports)
                    .values(
                        comment_id=comment_id,
                        account_id=viewer.account_id,
                        reason=reason,
                        note=(note or "").strip() or None,
                        created_at=now,
                    )
                    .returning(comment_reports.c.id)
                )
            ).scalar_one()
            await tx.conn.execute(
                update(comments)
                .where(comments.c.id == comment_id)
                .values(report_count=comments.c.report_count + 1)
            )
            tx.emit(
                comment_event(
                    CommentReported,
                    row,
                    report_id=report_id,
                    reason=reason,
                    reporter_id=viewer.account_id,
                )
            )
    except IntegrityError:
        raise Conflict("You already reported this comment.", code="already_reported") from None
    return ReportView(id=report_id, comment_id=comment_id, reason=reason, created_at=now)
