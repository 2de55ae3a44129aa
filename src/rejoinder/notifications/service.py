"""The notifications service a runtime carries, and the readers' actions on it.

``Notifier`` bundles what ``app.create_runtime`` chose (the mailer) with the consumer, the
digests and the worker; ``Runtime.start`` starts the worker in a serving process.
"""

from __future__ import annotations

from sqlalchemy import bindparam, insert, select, update

from rejoinder.accounts.models import accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.events.catalogue import NotificationsRead
from rejoinder.events.relay import Relay
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.errors import Invalid
from rejoinder.notifications import outbox
from rejoinder.notifications.consumer import NotificationConsumer
from rejoinder.notifications.digests import Digests
from rejoinder.notifications.mailer import Mailer
from rejoinder.notifications.models import notification_preferences as prefs
from rejoinder.notifications.models import notifications
from rejoinder.notifications.preferences import READ, update_settings
from rejoinder.notifications.queries import unread
from rejoinder.notifications.schemas import (
    MarkRead,
    NotificationSettings,
    NotificationSettingsUpdate,
    UnreadCount,
)
from rejoinder.notifications.tokens import read_token
from rejoinder.notifications.worker import MailWorker
from rejoinder.policies import takedowns
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.storage.database import Database
from rejoinder.storage.statements import defined

ACCOUNT = defined(select(accounts.c.id).where(accounts.c.id == bindparam("id")))


class Notifier:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, mailer: Mailer, secret: str
    ) -> None:
        self.settings = settings
        self.secret = secret
        self.digests = Digests(db, clock, settings, secret)
        self._db = db
        self._clock = clock
        self.worker = MailWorker(db, clock, settings, mailer, secret, digests=self.rounds)
        self.consumer = NotificationConsumer(settings, clock, secret, wake=self.worker.wake)
        self._attached = False

    async def rounds(self) -> None:
        """What each worker round does before sending: digests due, takedown reminders due
        (their events come back through the consumer as mail)."""
        await self.digests.run()
        await takedowns.remind(self._db, self._clock)

    @property
    def mailer(self) -> Mailer:
        return self.worker.mailer

    def attach(self, relay: Relay, *, always: bool = False) -> None:
        """Run the consumer in ``relay``'s loop; serving processes do unless ``mail.worker``
        is ``off`` (then ``rejoinder mail-worker`` consumes, apart from the posting path)."""
        if self._attached or (self.settings.mail.worker == "off" and not always):
            return
        self._attached = True
        relay.add_durable(self.consumer)

    async def start(self) -> None:
        if self.settings.mail.worker == "on":
            self.worker.start()

    async def close(self) -> None:
        await self.worker.close()


def notifier_of(runtime: Runtime) -> Notifier:
    found = runtime.notifier
    assert isinstance(found, Notifier)
    return found


async def save_settings(
    runtime: Runtime, viewer: Viewer, change: NotificationSettingsUpdate
) -> NotificationSettings:
    async with runtime.db.transaction() as tx:
        result = await update_settings(tx, viewer.account_id, change, runtime.clock.now())
        if result.email in {"off", "immediate"}:
            # Nothing waits for a digest that will not come.
            await outbox.clear_pending(tx.conn, viewer.account_id)
    return result


async def mark_read(runtime: Runtime, viewer: Viewer, data: MarkRead) -> UnreadCount:
    if data.all is not True and not data.ids:
        raise Invalid("Give `ids` or `all: true`.", code="selection_required")
    now = runtime.clock.now()
    statement = update(notifications).where(
        notifications.c.account_id == viewer.account_id, notifications.c.read_at.is_(None)
    )
    if data.all is not True:
        statement = statement.where(notifications.c.id.in_(data.ids or []))
    async with runtime.db.transaction() as tx:
        changed = (await tx.conn.execute(statement.values(read_at=now))).rowcount
        if changed:  # the reader's other pages follow
            tx.emit(NotificationsRead(account_id=viewer.account_id))
        return UnreadCount(unread=await unread(tx.conn, viewer.account_id))


def token_is_valid(runtime: Runtime, token: str) -> bool:
    notifier = notifier_of(runtime)
    found = read_token(
        notifier.secret,
        token,
        runtime.clock.now(),
        valid_days=runtime.settings.mail.unsubscribe_days,
    )
    return found is not None


async def unsubscribe(runtime: Runtime, token: str) -> bool:
    """Turn every mail off for the token's account, at once; False for a bad token."""
    notifier = notifier_of(runtime)
    now = runtime.clock.now()
    account_id = read_token(
        notifier.secret, token, now, valid_days=runtime.settings.mail.unsubscribe_days
    )
    if account_id is None:
        return False
    async with runtime.db.transaction() as tx:
        if (await tx.conn.execute(ACCOUNT, {"id": account_id})).first() is None:
            return True  # erased: nothing will be mailed to it anyway
        row = (await tx.conn.execute(READ, {"account_id": account_id})).first()
        if row is None:
            await tx.conn.execute(
                insert(prefs).values(account_id=account_id, email_digest="off", updated_at=now)
            )
        else:
            await tx.conn.execute(
                update(prefs)
                .where(prefs.c.account_id == account_id)
                .values(email_digest="off", updated_at=now)
            )
        await outbox.stop_mail(tx.conn, account_id)
    return True
