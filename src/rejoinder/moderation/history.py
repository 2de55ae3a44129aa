"""A reader's record for moderators: status, sanctions, notes, display-name history, status
changes from the audit log, and comment figures (recomputed from the comments themselves)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from rejoinder.accounts.models import accounts
from rejoinder.comments.models import comments
from rejoinder.kernel.errors import NotFound
from rejoinder.moderation import audit
from rejoinder.moderation.access import Scope
from rejoinder.moderation.cards import author_counts, rejection_rate
from rejoinder.moderation.models import moderator_notes, moderator_scopes, sanctions
from rejoinder.moderation.schemas import (
    NameChange,
    NoteView,
    ReaderHistory,
    RegisteredName,
    SanctionView,
)
from rejoinder.profiles.models import display_name_history
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection
from rejoinder.stories.models import stories


async def _in_scope(conn: Connection, scope: Scope, account_id: int) -> bool:
    """Admins see every reader; a site's moderators see those who commented on their sites."""
    if scope.is_admin:
        return True
    if not scope.sites:
        return False
    commented = await conn.execute(
        select(comments.c.id)
        .join(stories, stories.c.id == comments.c.story_id)
        .where(comments.c.account_id == account_id, stories.c.site_id.in_(sorted(scope.sites)))
        .limit(1)
    )
    return commented.first() is not None


async def reader_history(
    conn: Connection, scope: Scope, settings: Settings, account_id: int, now: datetime
) -> ReaderHistory:
    account = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
    if account is None or not await _in_scope(conn, scope, account_id):
        # The same answer either way: a moderator learns nothing about other sites' readers.
        raise NotFound("There is no such reader.", code="reader_not_found")
    visible = scope.sites_or_all
    counts = (await author_counts(conn, {account_id}, visible)).get(account_id, {})
    sanction_query = select(sanctions).where(sanctions.c.account_id == account_id)
    note_query = select(moderator_notes).where(moderator_notes.c.account_id == account_id)
    if visible is not None:
        # A site's moderator sees the sanctions of their sites and the network-wide ones
        # (those apply on their sites too), and the notes of moderators who share a site with
        # them; other sites' sanctions and admins' notes stay out of their panel.
        sites = sorted(visible)
        sanction_query = sanction_query.where(
            or_(sanctions.c.site_id.is_(None), sanctions.c.site_id.in_(sites))
        )
        colleagues = select(moderator_scopes.c.account_id).where(
            moderator_scopes.c.site_id.in_(sites)
        )
        note_query = note_query.where(
            or_(
                moderator_notes.c.author_id == scope.account_id,
                moderator_notes.c.author_id.in_(colleagues),
            )
        )
    sanction_rows = await conn.execute(sanction_query.order_by(sanctions.c.id.desc()))
    note_rows = await conn.execute(note_query.order_by(moderator_notes.c.id.desc()))
    names = await conn.execute(
        select(display_name_history)
        .where(display_name_history.c.account_id == account_id)
        .order_by(display_name_history.c.id.desc())
    )
    changes = await audit.entries(
        conn, scope, [s.id for s in settings.sites], account_id=account_id, limit=50
    )
    views = [
        SanctionView(
            id=s.id,
            kind=s.kind,
            site_id=s.site_id,
            reason=s.reason,
            until=s.until,
            created_at=s.created_at,
            created_by=s.created_by,
            lifted_at=s.lifted_at,
            active=s.lifted_at is None and (s.until is None or s.until > now),
        )
        for s in sanction_rows
    ]
    status, until, why = account.status, account.status_until, account.status_reason
    # A ban or suspension on one site lives only in ``sanctions`` (the account stays active
    # network-wide): the moderator of that site still needs to see the reader as suspended.
    in_force = [v for v in views if v.active and v.kind in {"ban", "suspend"}]
    if status == "active" and in_force:
        strongest = next((v for v in in_force if v.kind == "ban"), in_force[0])
        status = "banned" if strongest.kind == "ban" else "suspended"
        until, why = strongest.until, strongest.reason
    return ReaderHistory(
        id=account.id,
        display_name=account.display_name,
        registered_name=(
            RegisteredName(
                first_name=account.registered_first_name, surname=account.registered_surname
            )
            if account.registered_first_name or account.registered_surname
            else None
        ),
        role=account.role,
        status=status,
        status_until=until,
        status_reason=why,
        created_at=account.created_at,
        counts=counts,
        rejection_rate=rejection_rate(counts),
        sanctions=views,
        notes=[
            NoteView(id=n.id, author_id=n.author_id, body=n.body, created_at=n.created_at)
            for n in note_rows
        ],
        names=[
            NameChange(
                previous_name=n.previous_name, display_name=n.display_name, changed_at=n.changed_at
            )
            for n in names
        ],
        status_changes=changes,
    )
