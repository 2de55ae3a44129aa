"""Takedown mail: the requester's acknowledgement and decision, the moderators' reminders.

Applied by the notifications consumer, in the transaction that moves its position, so each
event queues its mail once (never lost, never twice); the worker then sends it at least once
under the same Message-ID. The letters themselves are written by the policies domain:

- ``takedown.received`` / ``takedown.decided``: the stored message of that kind, to the
  address the requester gave (no account: ``mails.to_email``), its Message-ID recorded on the
  message;
- ``takedown.reminded``: to every moderator of the site and every admin with an address,
  in the site's language.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from rejoinder.accounts.models import accounts
from rejoinder.events.catalogue import TakedownDecided, TakedownReceived, TakedownReminded
from rejoinder.kernel.clock import Clock
from rejoinder.moderation.models import moderator_scopes
from rejoinder.notifications import outbox
from rejoinder.notifications.compose import Body, letter
from rejoinder.policies import letters
from rejoinder.policies.models import takedown_messages, takedown_requests
from rejoinder.settings import Settings
from rejoinder.storage.database import Transaction
from rejoinder.storage.statements import defined

KIND = "takedown"  # the mails' kind: answers and duty mail, never with an unsubscribe link

UNQUEUED = defined(
    select(takedown_messages)
    .where(
        takedown_messages.c.request_id == bindparam("request_id"),
        takedown_messages.c.kind == bindparam("kind"),
        takedown_messages.c.mail_message_id.is_(None),
    )
    .order_by(takedown_messages.c.id)
)
LANGUAGE = defined(
    select(takedown_requests.c.language).where(takedown_requests.c.id == bindparam("id"))
)
QUEUED = defined(
    update(takedown_messages)
    .where(takedown_messages.c.id == bindparam("id"))
    .values(mail_message_id=bindparam("message_id"))
)
REQUEST = defined(
    select(
        takedown_requests.c.site_id,
        takedown_requests.c.reason,
        takedown_requests.c.deadline_at,
        takedown_requests.c.status,
    ).where(takedown_requests.c.id == bindparam("id"))
)
MODERATORS = defined(
    select(accounts.c.id)
    .where(
        accounts.c.email.is_not(None),
        or_(
            accounts.c.role == "admin",
            (accounts.c.role == "moderator")
            & accounts.c.id.in_(
                select(moderator_scopes.c.account_id).where(
                    moderator_scopes.c.site_id == bindparam("site_id")
                )
            ),
        ),
    )
    .order_by(accounts.c.id)
)

TakedownEvent = TakedownReceived | TakedownDecided | TakedownReminded


async def apply(tx: Transaction, settings: Settings, clock: Clock, event: TakedownEvent) -> bool:
    """Queue the event's mail; True when something was queued (the worker is woken)."""
    if isinstance(event, TakedownReminded):
        return await _remind(tx, settings, clock, event)
    kind = "received" if isinstance(event, TakedownReceived) else "decision"
    conn = tx.conn
    found = (await conn.execute(UNQUEUED, {"request_id": event.request_id, "kind": kind})).all()
    lang = (await conn.execute(LANGUAGE, {"id": event.request_id})).scalar() or "en"
    now = clock.now()
    for message in found:
        body = letter(lang, message.subject, message.body)
        message_id = await outbox.queue_to(conn, settings, message.to_email, KIND, body, now)
        await conn.execute(QUEUED, {"id": message.id, "message_id": message_id})
    return bool(found)


async def _remind(
    tx: Transaction, settings: Settings, clock: Clock, event: TakedownReminded
) -> bool:
    conn = tx.conn
    request = (await conn.execute(REQUEST, {"id": event.request_id})).first()
    if request is None or request.status != "open":
        return False  # decided between the reminder and now: nothing to say
    site = settings.site(request.site_id)
    lang = site.language if site else "en"
    subject, text = letters.reminder(
        lang,
        event.stage,
        site.name if site else request.site_id,
        event.request_id,
        request.reason,
        request.deadline_at,
        f"{settings.server.public_url}/admin#takedowns",
    )
    body: Body = letter(lang, subject, text)
    now = clock.now()
    recipients = (await conn.execute(MODERATORS, {"site_id": request.site_id})).scalars().all()
    for account_id in recipients:
        await outbox.queue(conn, settings, account_id, KIND, body, now)
    return bool(recipients)
