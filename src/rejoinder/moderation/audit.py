"""The audit log: every moderator decision and sanction, who, when, what changed and why.

Append-only: this module only inserts, and the database refuses updates and deletes (triggers
in migration 0004). Export as JSON lines or CSV for the publisher's records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import insert, select

from rejoinder.moderation.access import Scope
from rejoinder.moderation.models import audit_log
from rejoinder.moderation.schemas import AuditEntry
from rejoinder.storage.database import Connection

_encode = msgspec.json.Encoder().encode
EXPORT_BATCH = 1000
AUTOMATIC = "Rejoinder (automatic rule)"
CSV_FIELDS = [
    "id",
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "site_id",
    "comment_id",
    "account_id",
    "before",
    "after",
    "reason",
    "note",
]


async def write(
    conn: Connection,
    scope: Scope,
    action: str,
    *,
    now: datetime,
    site_id: str | None = None,
    comment_id: int | None = None,
    account_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
    note: str | None = None,
) -> None:
    await conn.execute(
        insert(audit_log).values(
            created_at=now,
            actor_id=scope.account_id,
            actor_name=scope.actor,
            action=action,
            site_id=site_id,
            comment_id=comment_id,
            account_id=account_id,
            before=_encode(before or {}).decode(),
            after=_encode(after or {}).decode(),
            reason=reason,
            note=note,
        )
    )


async def write_automatic(
    conn: Connection,
    action: str,
    *,
    now: datetime,
    site_id: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """An action Rejoinder took by itself (a site's protection rule): no actor id."""
    await conn.execute(
        insert(audit_log).values(
            created_at=now,
            actor_id=None,
            actor_name=AUTOMATIC,
            action=action,
            site_id=site_id,
            before=_encode(before or {}).decode(),
            after=_encode(after or {}).decode(),
            reason=reason,
        )
    )


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        created_at=row.created_at,
        actor_id=row.actor_id,
        actor_name=row.actor_name,
        action=row.action,
        site_id=row.site_id,
        comment_id=row.comment_id,
        account_id=row.account_id,
        before=msgspec.json.decode(row.before),
        after=msgspec.json.decode(row.after),
        reason=row.reason,
        note=row.note,
    )


def _visible(scope: Scope, sites: list[str]) -> Any:
    """Admins see everything; moderators their sites' entries (network-wide ones are admins')."""
    if scope.is_admin:
        return audit_log.c.id.is_not(None)
    return audit_log.c.site_id.in_(sorted(set(sites) & scope.sites))


async def entries(
    conn: Connection,
    scope: Scope,
    sites: list[str],
    *,
    comment_id: int | None = None,
    account_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    stmt = select(audit_log).where(_visible(scope, sites))
    if comment_id is not None:
        stmt = stmt.where(audit_log.c.comment_id == comment_id)
    if account_id is not None:
        stmt = stmt.where(audit_log.c.account_id == account_id)
    if before_id is not None:
        stmt = stmt.where(audit_log.c.id < before_id)
    rows = await conn.execute(stmt.order_by(audit_log.c.id.desc()).limit(limit))
    return [_entry(r) for r in rows]


async def export(
    conn: Connection, scope: Scope, sites: list[str], fmt: str
) -> AsyncIterator[bytes]:
    """Every visible entry, oldest first, in batches (constant memory whatever the log size)."""
    after = 0
    if fmt == "csv":
        yield (",".join(CSV_FIELDS) + "\r\n").encode()
    while True:
        rows = (
            await conn.execute(
                select(audit_log)
                .where(_visible(scope, sites), audit_log.c.id > after)
                .order_by(audit_log.c.id)
                .limit(EXPORT_BATCH)
            )
        ).all()
        if not rows:
            return
        after = rows[-1].id
        items = [_entry(r) for r in rows]
        if fmt == "csv":
            yield _csv(items)
        else:
            yield b"".join(_encode(item) + b"\n" for item in items)


def _cell(value: Any) -> Any:
    """Spreadsheets run cells that start with = + - @ as formulas: keep reasons inert."""
    if isinstance(value, str) and value[:1] in {"=", "+", "-", "@"}:
        return "'" + value
    return value


def _csv(items: list[AuditEntry]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for item in items:
        data = msgspec.to_builtins(item)
        writer.writerow(
            _encode(data[k]).decode() if k in {"before", "after"} else _cell(data[k])
            for k in CSV_FIELDS
        )
    return out.getvalue().encode()
