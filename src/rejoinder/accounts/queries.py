"""Read side of accounts: resolving a bearer token to the viewer behind it.

Every authenticated request does this lookup, fresh (plan and status changes apply at once).
It is one statement, built once: run through SQLAlchemy on any database, or as the same SQL on
a plain ``sqlite3`` connection of the SQLite fast reader (``sqlite_viewer_for_token``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, literal, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from rejoinder.accounts.models import access_tokens, accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.clock import as_utc
from rejoinder.kernel.tokens import digest
from rejoinder.plans.catalog import plan_or_retired
from rejoinder.settings import Settings

_VIEWER_COLUMNS = (
    accounts.c.id,
    accounts.c.external_id,
    accounts.c.role,
    accounts.c.plan_id,
    accounts.c.display_name,
    accounts.c.status,
    accounts.c.status_until,
    accounts.c.status_reason,
    accounts.c.sso_badges,
    access_tokens.c.id.label("token_id"),
)

# The live account behind an unrevoked, unexpired token (parameters ``token_hash``, ``now``).
BY_TOKEN = (
    select(*_VIEWER_COLUMNS)
    .join(accounts, accounts.c.id == access_tokens.c.account_id)
    .where(
        access_tokens.c.token_hash == bindparam("token_hash"),
        access_tokens.c.revoked_at.is_(None),
        access_tokens.c.expires_at > bindparam("now"),
    )
)
SQLITE_BY_TOKEN = str(BY_TOKEN.compile(dialect=sqlite.dialect(paramstyle="named")))


class ViewerRow(NamedTuple):
    """A ``BY_TOKEN`` row read with plain ``sqlite3``, typed as SQLAlchemy would type it."""

    id: int
    external_id: str | None
    role: str
    plan_id: str
    display_name: str | None
    status: str
    status_until: datetime | None
    status_reason: str | None
    sso_badges: str | None
    token_id: int


assert ViewerRow._fields == tuple(BY_TOKEN.selected_columns.keys())  # the shapes stay in step
_UNTIL = ViewerRow._fields.index("status_until")  # the one datetime column


async def viewer_for_token(
    conn: AsyncConnection, token: str, settings: Settings, now: datetime
) -> Viewer | None:
    """The live account behind an unrevoked, unexpired token; ``None`` otherwise."""
    params = {"token_hash": digest(token), "now": now}
    row = (await conn.execute(BY_TOKEN, params)).first()
    return None if row is None else _viewer(row, settings)


def sqlite_viewer_for_token(
    conn: sqlite3.Connection, token: str, settings: Settings, now: datetime
) -> Viewer | None:
    """``viewer_for_token`` on a plain ``sqlite3`` connection: the same statement, and
    datetimes stored and read back as SQLAlchemy does on SQLite (``UtcDateTime``)."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = conn.execute(SQLITE_BY_TOKEN, {"token_hash": digest(token), "now": stamp}).fetchall()
    if not rows:
        return None
    values = list(rows[0])
    until = values[_UNTIL]
    values[_UNTIL] = None if until is None else as_utc(datetime.fromisoformat(until))
    return _viewer(ViewerRow(*values), settings)


async def viewer_for_account(
    conn: AsyncConnection, account_id: int, settings: Settings
) -> Viewer | None:
    """The account as a viewer, without a token (``token_id`` 0): for views and the CLI."""
    columns = (*_VIEWER_COLUMNS[:-1], literal(0).label("token_id"))
    row = (await conn.execute(select(*columns).where(accounts.c.id == account_id))).first()
    return None if row is None else _viewer(row, settings)


def _viewer(row: Any, settings: Settings) -> Viewer:
    return Viewer(
        account_id=row.id,
        external_id=row.external_id,
        role=row.role,
        plan=plan_or_retired(settings, row.plan_id),
        display_name=row.display_name,
        status=row.status,
        status_until=row.status_until,
        status_reason=row.status_reason,
        badges=tuple(json.loads(row.sso_badges or "[]")),
        token_id=row.token_id,
    )
