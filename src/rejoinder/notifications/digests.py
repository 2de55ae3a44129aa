"""Digests: one mail per reader per day or week, in the reader's time zone.

A run looks at readers with items waiting for a digest. For each, the period is the local
day (``daily``) or ISO week (``weekly``) that is under way in their zone; the digest holds
what was pending *before* it began, so a run at any time of the day mails yesterday's items
once, and today's wait for tomorrow. In one transaction the run marks the period as mailed
(a conditional update: the second of two concurrent runs changes nothing, and stops), takes
the items and clears them, and queues the mail. Items already read in-page are cleared and
left out; when nothing unread is left, no mail goes.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update

from rejoinder.accounts.models import accounts
from rejoinder.kernel.clock import Clock
from rejoinder.notifications import compose, outbox
from rejoinder.notifications.consumer import permalink
from rejoinder.notifications.models import notification_preferences as prefs
from rejoinder.notifications.models import notifications
from rejoinder.notifications.preferences import READ, default_site, from_row, language_of, zone_of
from rejoinder.settings import Settings
from rejoinder.storage.database import Database, Transaction
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

CHUNK = 100
MAX_ITEMS = 50  # the mail lists this many; the rest are counted in the subject

WAITING = defined(
    select(notifications.c.account_id)
    .where(notifications.c.digest_pending, notifications.c.account_id > bindparam("after"))
    .group_by(notifications.c.account_id)
    .order_by(notifications.c.account_id)
    .limit(bindparam("size"))
)
LATEST_SITE = defined(
    select(stories.c.site_id)
    .select_from(notifications)
    .join(stories, stories.c.id == notifications.c.story_id)
    .where(notifications.c.account_id == bindparam("account_id"), notifications.c.digest_pending)
    .order_by(notifications.c.id.desc())
    .limit(1)
)
MARK_PERIOD = defined(
    update(prefs)
    .where(
        prefs.c.account_id == bindparam("account_id"),
        or_(prefs.c.digest_period.is_(None), prefs.c.digest_period != bindparam("period")),
    )
    .values(digest_period=bindparam("period"))
)
actor = accounts.alias("actor")
ITEMS = defined(
    select(
        notifications.c.id,
        notifications.c.kind,
        notifications.c.comment_id,
        notifications.c.outcome,
        notifications.c.reason,
        notifications.c.read_at,
        stories.c.title,
        stories.c.url,
        actor.c.display_name,
    )
    .select_from(notifications)
    .join(stories, stories.c.id == notifications.c.story_id)
    .outerjoin(actor, actor.c.id == notifications.c.actor_id)
    .where(
        notifications.c.account_id == bindparam("account_id"),
        notifications.c.digest_pending,
        notifications.c.created_at < bindparam("before"),
    )
    .order_by(notifications.c.id)
)
TAKE = defined(
    update(notifications)
    .where(
        notifications.c.account_id == bindparam("account_id"),
        notifications.c.digest_pending,
        notifications.c.created_at < bindparam("before"),
    )
    .values(digest_pending=False)
)
CLEAR = defined(
    update(notifications)
    .where(notifications.c.account_id == bindparam("account_id"), notifications.c.digest_pending)
    .values(digest_pending=False)
)


def period(mode: str, local: datetime) -> tuple[str, datetime]:
    """The period under way at ``local`` and when it began (UTC)."""
    day = local.date()
    if mode == "weekly":
        day -= timedelta(days=day.weekday())
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
    else:
        key = day.isoformat()
    start = datetime.combine(day, time(0), tzinfo=local.tzinfo)
    return key, start.astimezone(UTC)


class Digests:
    def __init__(self, db: Database, clock: Clock, settings: Settings, secret: str) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._secret = secret

    async def run(self, *, page: int = 1000) -> int:
        """Queue every digest due now; the number queued."""
        queued = 0
        after = 0
        while True:
            async with self._db.read() as conn:
                ids = (await conn.execute(WAITING, {"after": after, "size": page})).scalars().all()
            # A hundred readers per transaction: each reader's take-and-clear is atomic either
            # way, and a commit per reader was most of a large run's time.
            for first in range(0, len(ids), CHUNK):
                queued += await self._db.run_write(self._chunk, ids[first : first + CHUNK])
            if len(ids) < page:
                return queued
            after = int(ids[-1])

    async def _chunk(self, tx: Transaction, ids: list[int]) -> int:
        return sum([await self._one(tx, int(account_id)) for account_id in ids])

    async def _one(self, tx: Transaction, account_id: int) -> int:
        conn = tx.conn
        row = (await conn.execute(READ, {"account_id": account_id})).first()
        chosen = from_row(row) if row is not None else None
        if chosen is None or chosen.email not in {"daily", "weekly"}:
            await conn.execute(CLEAR, {"account_id": account_id})  # mail changed meanwhile
            return 0
        site_id = (await conn.execute(LATEST_SITE, {"account_id": account_id})).scalar()
        site = default_site(self._settings, site_id)
        now = self._clock.now()
        key, began = period(chosen.email, now.astimezone(zone_of(chosen, site)))
        if row is not None and row.digest_period == key:
            return 0  # this period's digest went already; the items wait for the next
        params = {"account_id": account_id, "before": began}
        items = (await conn.execute(ITEMS, params)).all()
        if not items:
            return 0
        if (await conn.execute(MARK_PERIOD, {**params, "period": key})).rowcount == 0:
            return 0  # another worker took this period
        await conn.execute(TAKE, params)
        unread = [item for item in items if item.read_at is None]
        if not unread:
            return 0
        body = compose.render(
            [_item(item) for item in unread[-MAX_ITEMS:]],
            language_of(chosen, site),
            period=chosen.email,
            settings_url=outbox.settings_url(self._settings),
            unsubscribe_url=outbox.unsubscribe_url(self._settings, self._secret, account_id, now),
        )
        await outbox.queue(conn, self._settings, account_id, "digest", body, now)
        return 1


def _item(row: Any) -> compose.Item:
    return compose.Item(
        kind=row.kind,
        title=row.title or row.url,
        permalink=permalink(row.url, row.comment_id),
        actor=row.display_name,
        outcome=row.outcome,
        reason=row.reason,
    )
