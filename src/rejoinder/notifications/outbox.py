"""Queueing mail: one row per mail, with a stable Message-ID, in the caller's transaction."""

from __future__ import annotations

import secrets
from datetime import datetime
from email.utils import parseaddr
from typing import Any
from urllib.parse import quote, urlsplit

from sqlalchemy import bindparam, delete, insert, update

from rejoinder.notifications.compose import Body
from rejoinder.notifications.models import mails, notifications
from rejoinder.notifications.tokens import make_token
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

QUEUE = defined(
    insert(mails).values(
        account_id=bindparam("account_id"),
        to_email=bindparam("to_email"),
        kind=bindparam("kind"),
        message_id=bindparam("message_id"),
        subject=bindparam("subject"),
        text_body=bindparam("text_body"),
        html_body=bindparam("html_body"),
        status="queued",
        attempts=0,
        next_attempt_at=bindparam("now"),
        created_at=bindparam("now"),
    )
)
DROP_QUEUED = defined(
    delete(mails).where(mails.c.account_id == bindparam("account_id"), mails.c.status == "queued")
)
CLEAR_PENDING = defined(
    update(notifications)
    .where(notifications.c.account_id == bindparam("account_id"), notifications.c.digest_pending)
    .values(digest_pending=False)
)
DROP_NOTIFICATIONS = defined(
    delete(notifications).where(notifications.c.account_id == bindparam("account_id"))
)


def mail_domain(settings: Settings) -> str:
    _, address = parseaddr(settings.mail.from_address)
    domain = address.rpartition("@")[2]
    return domain or urlsplit(settings.server.public_url).hostname or "localhost"


def new_message_id(settings: Settings) -> str:
    # Random, not the row id: made before the insert, and unguessable across installations.
    return f"<{secrets.token_hex(16)}@{mail_domain(settings)}>"


def unsubscribe_url(settings: Settings, secret: str, account_id: int, now: datetime) -> str:
    token = make_token(secret, account_id, now)
    return f"{settings.server.public_url}/mail/unsubscribe?token={token}"


def unsubscribe_mailto(settings: Settings, secret: str, account_id: int, now: datetime) -> str:
    """RFC 2369's ``mailto:`` alternative, when ``[mail] unsubscribe_mailto`` is set: the
    token travels in the subject (``unsubscribe <token>``); empty otherwise."""
    address = settings.mail.unsubscribe_mailto
    if not address:
        return ""
    subject = quote(f"unsubscribe {make_token(secret, account_id, now)}")
    return f"mailto:{address}?subject={subject}"


def settings_url(settings: Settings) -> str:
    return f"{settings.server.public_url}/account/notifications"


def _row(  # noqa: PLR0917 - one mail's whole description
    account_id: int | None,
    address: str | None,
    kind: str,
    message_id: str,
    body: Body,
    now: datetime,
) -> dict[str, Any]:
    """One mail's row for ``QUEUE``: to an account (its address as it is when sent) or, with
    no account, to ``address``."""
    return {
        "account_id": account_id,
        "to_email": address,
        "kind": kind,
        "message_id": message_id,
        "subject": body.subject,
        "text_body": body.text,
        "html_body": body.html,
        "now": now,
    }


async def queue(  # noqa: PLR0917 - one mail's whole description
    conn: Connection, settings: Settings, account_id: int, kind: str, body: Body, now: datetime
) -> None:
    await conn.execute(QUEUE, _row(account_id, None, kind, new_message_id(settings), body, now))


async def queue_many(
    conn: Connection, settings: Settings, kind: str, mails: list[tuple[int, Body]], now: datetime
) -> None:
    """Several mails in one statement (a digest run queues a chunk of readers at once)."""
    rows = [_row(a, None, kind, new_message_id(settings), body, now) for a, body in mails]
    await conn.execute(QUEUE, rows)


async def queue_to(  # noqa: PLR0917 - one mail's whole description
    conn: Connection, settings: Settings, address: str, kind: str, body: Body, now: datetime
) -> str:
    """A mail to someone without an account (no unsubscribe: it answers their own request);
    returns its Message-ID."""
    message_id = new_message_id(settings)
    await conn.execute(QUEUE, _row(None, address, kind, message_id, body, now))
    return message_id


async def stop_mail(conn: Connection, account_id: int) -> None:
    """Unsubscribed: nothing queued for the account goes out any more, no digest is pending."""
    await conn.execute(DROP_QUEUED, {"account_id": account_id})
    await conn.execute(CLEAR_PENDING, {"account_id": account_id})


async def clear_pending(conn: Connection, account_id: int) -> None:
    await conn.execute(CLEAR_PENDING, {"account_id": account_id})


async def drop_account(conn: Connection, account_id: int) -> None:
    """Erasure: the account's notifications and its mail not yet sent go."""
    await conn.execute(DROP_QUEUED, {"account_id": account_id})
    await conn.execute(DROP_NOTIFICATIONS, {"account_id": account_id})
