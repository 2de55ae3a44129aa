"""Read side of accounts: resolving a bearer token to the viewer behind it.

Every authenticated write does this lookup fresh (plan and status changes apply at once);
reads may take it from ``accounts.cache``, which the event log keeps honest. It is one
statement, defined once.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, literal, select

from rejoinder.accounts.models import access_tokens, accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.tokens import digest
from rejoinder.plans.catalog import plan_or_retired
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

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
    accounts.c.sso_verified,
    accounts.c.registered_first_name,
    accounts.c.registered_surname,
    access_tokens.c.id.label("token_id"),
)

# The live account behind an unrevoked, unexpired token (parameters ``token_hash``, ``now``).
BY_TOKEN = defined(
    select(*_VIEWER_COLUMNS)
    .join(accounts, accounts.c.id == access_tokens.c.account_id)
    .where(
        access_tokens.c.token_hash == bindparam("token_hash"),
        access_tokens.c.revoked_at.is_(None),
        access_tokens.c.expires_at > bindparam("now"),
    )
)


async def viewer_for_token(
    conn: Connection, token: str, settings: Settings, now: datetime
) -> Viewer | None:
    """The live account behind an unrevoked, unexpired token; ``None`` otherwise."""
    params = {"token_hash": digest(token), "now": now}
    row = (await conn.execute(BY_TOKEN, params)).first()
    return None if row is None else _viewer(row, settings)


async def viewer_for_account(
    conn: Connection, account_id: int, settings: Settings
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
        registered_first_name=row.registered_first_name,
        registered_surname=row.registered_surname,
        verified=tuple(json.loads(row.sso_verified or "[]")),
    )
