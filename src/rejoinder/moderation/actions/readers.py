"""Moderators acting on readers: warn, suspend until a date, ban (one site or every site,
optionally rejecting everything they wrote), pre-moderate; lift a sanction; notes; scopes.

Network-wide suspensions and bans also set the account's status, so the comment gate refuses
the reader everywhere at once (403 ``account_suspended`` / ``account_banned``). Site sanctions
live only in ``sanctions`` and are enforced by the pipeline's user-status phase.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from rejoinder.accounts.models import accounts
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import ReaderSanctioned
from rejoinder.kernel.errors import Invalid, NotFound
from rejoinder.moderation import audit
from rejoinder.moderation.access import Scope
from rejoinder.moderation.actions.comments import apply_to
from rejoinder.moderation.models import moderator_notes, moderator_scopes, sanctions
from rejoinder.moderation.schemas import SanctionInput
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories

MAX_REJECT_EXISTING = 5000
REJECT_BATCH = 200


async def _account(runtime: Runtime, account_id: int) -> Any:
    async with runtime.db.read() as conn:
        row = (await conn.execute(select(accounts).where(accounts.c.id == account_id))).first()
    if row is None:
        raise NotFound("There is no such reader.", code="reader_not_found")
    return row


async def sanction(runtime: Runtime, scope: Scope, account_id: int, data: SanctionInput) -> int:
    """Record a sanction; returns its id."""
    now = runtime.clock.now()
    if data.site is not None and runtime.settings.site(data.site) is None:
        raise NotFound(f"There is no site {data.site!r}.", code="site_not_found")
    scope.check(data.site)
    if data.kind == "suspend" and (data.until is None or data.until <= now):
        raise Invalid("A suspension needs an end date in the future.", code="until_required")
    reader = await _account(runtime, account_id)
    if reader.role in {"moderator", "admin"} and not scope.is_admin:
        raise Invalid("Only an admin can sanction a moderator.", code="cannot_sanction_staff")
    until = data.until if data.kind in {"suspend", "premoderate"} else None
    async with runtime.db.transaction() as tx:
        sanction_id = (
            await tx.conn.execute(
                insert(sanctions)
                .values(
                    account_id=account_id,
                    site_id=data.site,
                    kind=data.kind,
                    reason=data.reason,
                    until=until,
                    created_by=scope.account_id,
                    created_at=now,
                )
                .returning(sanctions.c.id)
            )
        ).scalar_one()
        before: dict[str, Any] = {"status": reader.status}
        after: dict[str, Any] = {"sanction": data.kind, "site": data.site}
        if data.site is None and data.kind in {"suspend", "ban"}:
            status = "suspended" if data.kind == "suspend" else "banned"
            await tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(
                    status=status, status_until=until, status_reason=data.reason, updated_at=now
                )
            )
            after["status"] = status
        if until is not None:
            after["until"] = until.isoformat()
        await audit.write(
            tx.conn,
            scope,
            "reader." + data.kind,
            now=now,
            site_id=data.site,
            account_id=account_id,
            before=before,
            after=after,
            reason=data.reason,
        )
        tx.emit(
            ReaderSanctioned(
                account_id=account_id,
                kind=data.kind,
                site_id=data.site,
                sanction_id=int(sanction_id),
                until=until,
            )
        )
    if data.reject_existing and data.kind == "ban":
        await reject_existing(runtime, scope, account_id, data.site)
    return int(sanction_id)


async def reject_existing(
    runtime: Runtime, scope: Scope, account_id: int, site_id: str | None
) -> int:
    """Reject every published or pending comment of a reader (on a site, or everywhere)."""
    stmt = (
        select(comments.c.id)
        .join(stories, stories.c.id == comments.c.story_id)
        .where(
            comments.c.account_id == account_id,
            comments.c.status.in_(["published", "pending"]),
            comments.c.deleted_at.is_(None),
        )
        .limit(MAX_REJECT_EXISTING)
    )
    if site_id is not None:
        stmt = stmt.where(stories.c.site_id == site_id)
    async with runtime.db.read() as conn:
        ids = [r.id for r in await conn.execute(stmt)]
    if not ids:
        return 0
    changed = 0
    for start in range(0, len(ids), REJECT_BATCH):  # short transactions: the writer stays free
        batch = ids[start : start + REJECT_BATCH]
        result = await apply_to(runtime, scope, batch, "reject", reason="other", note="Banned.")
        changed += len(result.changed)
    return changed


async def lift(runtime: Runtime, scope: Scope, sanction_id: int) -> None:
    """End a sanction now; a network-wide suspension or ban also restores the account."""
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        row = (
            await tx.conn.execute(select(sanctions).where(sanctions.c.id == sanction_id))
        ).first()
        if row is None:
            raise NotFound("There is no such sanction.", code="sanction_not_found")
        scope.check(row.site_id)
        if row.lifted_at is not None:
            return
        await tx.conn.execute(
            update(sanctions)
            .where(sanctions.c.id == sanction_id)
            .values(lifted_at=now, lifted_by=scope.account_id)
        )
        if row.site_id is None and row.kind in {"suspend", "ban"}:
            await tx.conn.execute(
                update(accounts)
                .where(accounts.c.id == row.account_id)
                .values(status="active", status_until=None, status_reason=None, updated_at=now)
            )
        await audit.write(
            tx.conn,
            scope,
            "reader.lift_" + row.kind,
            now=now,
            site_id=row.site_id,
            account_id=row.account_id,
            before={"sanction": row.kind},
            after={"sanction": None},
        )


async def add_note(runtime: Runtime, scope: Scope, account_id: int, body: str) -> int:
    """A note on a reader, visible to every moderator (e.g. "warned by phone on 3 May")."""
    await _account(runtime, account_id)
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        note_id = (
            await tx.conn.execute(
                insert(moderator_notes)
                .values(
                    account_id=account_id,
                    author_id=scope.account_id,
                    body=body.strip(),
                    created_at=now,
                )
                .returning(moderator_notes.c.id)
            )
        ).scalar_one()
        await audit.write(
            tx.conn, scope, "reader.note", now=now, account_id=account_id, note=body.strip()
        )
    return int(note_id)


async def set_scope(
    runtime: Runtime, scope: Scope, account_id: int, site_id: str, *, granted: bool
) -> None:
    """Grant or withdraw a site to a moderator (admins only; checked by the caller)."""
    if runtime.settings.site(site_id) is None:
        raise NotFound(f"There is no site {site_id!r}.", code="site_not_found")
    reader = await _account(runtime, account_id)
    if granted and reader.role != "moderator":
        raise Invalid("Only moderator accounts get sites.", code="not_a_moderator")
    now = runtime.clock.now()
    async with runtime.db.transaction() as tx:
        key = (moderator_scopes.c.account_id == account_id) & (
            moderator_scopes.c.site_id == site_id
        )
        exists = (await tx.conn.execute(select(moderator_scopes).where(key))).first()
        if granted == (exists is not None):
            return
        if granted:
            await tx.conn.execute(
                insert(moderator_scopes).values(account_id=account_id, site_id=site_id)
            )
        else:
            await tx.conn.execute(moderator_scopes.delete().where(key))
        await audit.write(
            tx.conn,
            scope,
            "moderator.grant_site" if granted else "moderator.withdraw_site",
            now=now,
            site_id=site_id,
            account_id=account_id,
        )
