"""The mail worker: claims due mail, hands it to the mailer, records what happened.

At least once, never silently twice: a claim moves a mail's due time forward by a lease and
commits *before* sending; the mail is marked sent only after the server accepted it. A worker
killed between the two leaves the mail queued: once the lease has passed another worker (or
the same one, restarted) sends it again, with the same ``Message-ID``, so a receiver can tell.
On PostgreSQL claims take ``FOR UPDATE SKIP LOCKED``: several workers share the queue without
waiting on each other or taking the same mail; on SQLite the single writer makes a plain
claim safe. A batch is claimed in one statement, and the "sent" marks of a batch are
written together, a few times a second (``MARK_EVERY``): a worker killed between a server's
250 and the next mark sends at most those mails again, with their ``Message-ID``, the same
promise as a mark per mail at a fraction of its cost. Temporary errors (4xx, a server that
is down) retry with back-off, permanent ones (5xx, a malformed address) give up; each is
recorded on the mail, and nothing stops the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, select, update

from rejoinder.accounts.models import accounts
from rejoinder.kernel.clock import Clock
from rejoinder.notifications import compose, outbox
from rejoinder.notifications.mailer import Mailer, MailError, valid_address
from rejoinder.notifications.models import mails
from rejoinder.settings import Settings
from rejoinder.storage.database import Database
from rejoinder.storage.statements import defined

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)
# Kinds a reader subscribed to, with an unsubscribe link; the rest (takedown answers and
# reminders) answer a request or are duty mail.
SUBSCRIBED = frozenset({"immediate", "digest"})
MAX_BACKOFF = timedelta(hours=6)

DUE = defined(
    select(mails, accounts.c.email)
    .outerjoin(accounts, accounts.c.id == mails.c.account_id)
    .where(mails.c.status == "queued", mails.c.next_attempt_at <= bindparam("now"))
    .order_by(mails.c.next_attempt_at, mails.c.id)
    .limit(bindparam("size"))
    .with_for_update(skip_locked=True, of=mails)
)
CLAIM = defined(
    update(mails)
    .where(mails.c.id.in_(bindparam("ids", expanding=True)))
    .values(next_attempt_at=bindparam("until"), attempts=mails.c.attempts + 1)
)
SENT = defined(
    update(mails)
    .where(mails.c.id.in_(bindparam("ids", expanding=True)), mails.c.status == "queued")
    .values(status="sent", sent_at=bindparam("now"), last_error=None)
)
MARK_EVERY = 0.05  # seconds between the "sent" marks of a batch being sent
MARK_SIZE = 100  # or as soon as this many are waiting
RETRY = defined(
    update(mails)
    .where(mails.c.id == bindparam("id"), mails.c.status == "queued")
    .values(next_attempt_at=bindparam("at"), last_error=bindparam("error"))
)
FAILED = defined(
    update(mails)
    .where(mails.c.id == bindparam("id"), mails.c.status == "queued")
    .values(status="failed", last_error=bindparam("error"))
)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class MailWorker:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        mailer: Mailer,
        secret: str,
        *,
        digests: Callable[[], Any] | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self.mailer = mailer
        self._secret = secret
        self._digests = digests
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def claim(self) -> list[Any]:
        """Take up to ``batch`` due mails for one lease; committed before anything is sent."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            rows = (
                await tx.conn.execute(DUE, {"now": now, "size": self._settings.mail.batch})
            ).all()
            if rows:
                ids = [row.id for row in rows]
                await tx.conn.execute(CLAIM, {"ids": ids, "until": now + LEASE})
        return list(rows)

    async def deliver(self, row: Any, marks: Marks | None = None) -> str:
        """Send one claimed mail and record the outcome: ``sent``, ``retry`` or ``failed``.

        With ``marks``, "sent" is written with the other mails of the batch (soon after);
        without, at once."""
        # An account's address as it is now; or the one given with a request (no account).
        address = (row.email if row.account_id is not None else row.to_email) or ""
        if not valid_address(address):
            return await self._failed(
                row, MailError("malformed or missing address", permanent=True)
            )
        subscribed = row.kind in SUBSCRIBED
        try:
            now = self._clock.now()
            envelope = compose.Envelope(
                from_address=self._settings.mail.from_address,
                reply_to=self._settings.mail.reply_to,
                message_id=row.message_id,
                unsubscribe_url=outbox.unsubscribe_url(
                    self._settings, self._secret, row.account_id, now
                )
                if subscribed
                else None,
                unsubscribe_mailto=outbox.unsubscribe_mailto(
                    self._settings, self._secret, row.account_id, now
                )
                if subscribed
                else "",
                date=row.created_at,
            )
            body = compose.Body(subject=row.subject, text=row.text_body, html=row.html_body)
            await self.mailer.send(compose.message(body, address, envelope), address)
        except MailError as exc:
            return await self._failed(row, exc)
        if marks is None:
            marks = Marks(self._db, self._clock)
            marks.add(row.id)
            await marks.flush()
        else:
            marks.add(row.id)
        return "sent"

    async def _failed(self, row: Any, exc: MailError) -> str:
        attempts = int(row.attempts) + 1  # the claim counted this attempt
        give_up = exc.permanent or attempts >= self._settings.mail.max_attempts
        async with self._db.transaction() as tx:
            if give_up:
                await tx.conn.execute(FAILED, {"id": row.id, "error": str(exc)})
            else:
                at = self._clock.now() + backoff(attempts)
                await tx.conn.execute(RETRY, {"id": row.id, "at": at, "error": str(exc)})
        # The mail's id only: never an address in a log line.
        log.warning(
            "mail %s: %s (%s)", row.id, "given up" if give_up else "will retry", exc,
            extra={"mail_id": row.id},
        )  # fmt: skip
        return "failed" if give_up else "retry"

    async def send_due(self) -> int:
        """Claim and send until nothing is due; the number of mails sent."""
        sent = 0
        while True:
            rows = await self.claim()
            # Several at once, one per SMTP connection: the round trips overlap.
            gate = asyncio.Semaphore(self._settings.mail.connections)
            marks = Marks(self._db, self._clock)
            try:
                outcomes = await asyncio.gather(*(self._gated(gate, row, marks) for row in rows))
            finally:
                await marks.flush()
            sent += outcomes.count("sent")
            if len(rows) < self._settings.mail.batch:
                return sent

    async def _gated(self, gate: asyncio.Semaphore, row: Any, marks: Marks) -> str:
        async with gate:
            return await self.deliver(row, marks)

    async def run_once(self) -> int:
        if self._digests is not None:
            await self._digests()
        return await self.send_due()

    # -- the loop of a serving process ------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="rejoinder-mail-worker")

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:  # the database is away: try again on the next round
                log.warning("mail worker: a round failed; retrying", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.mail.poll_seconds)
            if self._wake.is_set():
                # Woken from inside the transaction that queued the mail: let it commit.
                await asyncio.sleep(0.05)
            self._wake.clear()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.mailer.close()


class Marks:
    """The "sent" marks of one batch: accepted mails, written together a little later.

    ``add`` schedules a write ``MARK_EVERY`` seconds on (or at once past ``MARK_SIZE``);
    ``flush`` writes what is left and waits for the writes under way. A write that fails
    leaves its mails queued: they go again after the lease, with their ``Message-ID``."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._ids: list[int] = []
        self._writes: set[asyncio.Task[None]] = set()
        self._timer: asyncio.TimerHandle | None = None

    def add(self, mail_id: int) -> None:
        self._ids.append(mail_id)
        if len(self._ids) >= MARK_SIZE:
            self._write_soon()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(MARK_EVERY, self._write_soon)

    def _write_soon(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        ids, self._ids = self._ids, []
        if ids:
            task = asyncio.create_task(self._write(ids, logged=True))
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)

    async def _write(self, ids: list[int], *, logged: bool = False) -> None:
        try:
            async with self._db.transaction() as tx:
                await tx.conn.execute(SENT, {"ids": ids, "now": self._clock.now()})
        except Exception:
            if not logged:
                raise
            log.warning("mail worker: marking %d mails sent failed; they will go again", len(ids))

    async def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        ids, self._ids = self._ids, []
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)
        if ids:
            await self._write(ids)
