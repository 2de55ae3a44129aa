"""Digests: one mail per reader per day or week, in the reader's time zone.

A run looks at readers with items waiting for a digest. For each, the period is the local
day (``daily``) or ISO week (``weekly``) that is under way in their zone; the digest holds
what was pending *before* it began, so a run at any time of the day mails yesterday's items
once, and today's wait for tomorrow. In one transaction the run marks the period as mailed
(a conditional update: the second of two concurrent runs changes nothing, and stops), takes
the items and clears them, and queues the mail. Items already read in-page are cleared and
left out; when nothing unread is left, no mail goes.

Readers are streamed in pages (keyset, by account id) and handled ``CHUNK`` to a
transaction, with a handful of statements per chunk rather than per reader: the settings of
the whole chunk in one read, the mark of every reader whose period began at the same moment
in one conditional ``UPDATE … RETURNING``, their items in one read (at most ``MAX_ITEMS``
each, ranked in the database), one clear, one multi-row insert of the mails. Memory is
bounded by the chunk, whatever the number of readers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, or_, select, update

from rejoinder.accounts.models import accounts
from rejoinder.kernel.clock import Clock
from rejoinder.notifications import compose, outbox
from rejoinder.notifications.consumer import permalink
from rejoinder.notifications.models import notification_preferences as prefs
from rejoinder.notifications.models import notifications
from rejoinder.notifications.preferences import default_site, from_row, language_of, zone_of
from rejoinder.settings import Settings
from rejoinder.storage.database import Database, Transaction
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

PAGE = 1000
CHUNK = 250
MAX_ITEMS = 50  # the mail lists this many (the newest)

n = notifications
# Each waiting reader once, with their newest waiting item (whose site is the reader's site).
WAITING = defined(
    select(n.c.account_id, func.max(n.c.id).label("latest"))
    .where(n.c.digest_pending, n.c.account_id > bindparam("after"))
    .group_by(n.c.account_id)
    .order_by(n.c.account_id)
    .limit(bindparam("size"))
)
READERS = defined(
    select(n.c.account_id, stories.c.site_id, prefs)
    .select_from(n)
    .join(stories, stories.c.id == n.c.story_id)
    .outerjoin(prefs, prefs.c.account_id == n.c.account_id)
    .where(n.c.id.in_(bindparam("latest", expanding=True)))
)
# Marks the period for the readers who have something from before it and whose period has
# not gone yet; the readers it returns are this run's (a second run gets none of them).
MARK = defined(
    update(prefs)
    .where(
        prefs.c.account_id.in_(bindparam("ids", expanding=True)),
        or_(prefs.c.digest_period.is_(None), prefs.c.digest_period != bindparam("period")),
        exists().where(
            n.c.account_id == prefs.c.account_id,
            n.c.digest_pending,
            n.c.created_at < bindparam("before"),
        ),
    )
    .values(digest_period=bindparam("period"))
    .returning(prefs.c.account_id)
)
actor = accounts.alias("actor")
_ranked = (
    select(
        n.c.id,
        n.c.account_id,
        n.c.kind,
        n.c.comment_id,
        n.c.outcome,
        n.c.reason,
        stories.c.title,
        stories.c.url,
        actor.c.display_name,
        func.row_number().over(partition_by=n.c.account_id, order_by=n.c.id.desc()).label("rank"),
    )
    .select_from(n)
    .join(stories, stories.c.id == n.c.story_id)
    .outerjoin(actor, actor.c.id == n.c.actor_id)
    .where(
        n.c.account_id.in_(bindparam("ids", expanding=True)),
        n.c.digest_pending,
        n.c.created_at < bindparam("before"),
        n.c.read_at.is_(None),  # read in-page: cleared, never mailed
    )
    .subquery()
)
ITEMS = defined(
    select(_ranked).where(_ranked.c.rank <= MAX_ITEMS).order_by(_ranked.c.account_id, _ranked.c.id)
)
TAKE = defined(
    update(n)
    .where(
        and_(
            n.c.account_id.in_(bindparam("ids", expanding=True)),
            n.c.digest_pending,
            n.c.created_at < bindparam("before"),
        )
    )
    .values(digest_pending=False)
)
CLEAR = defined(
    update(n)
    .where(n.c.account_id.in_(bindparam("ids", expanding=True)), n.c.digest_pending)
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

    async def run(self, *, page: int = PAGE) -> int:
        """Queue every digest due now; the number queued."""
        queued = 0
        after = 0
        while True:
            async with self._db.read() as conn:
                rows = (await conn.execute(WAITING, {"after": after, "size": page})).all()
            latest = [int(row.latest) for row in rows]
            for first in range(0, len(latest), CHUNK):
                queued += await self._db.run_write(self._chunk, latest[first : first + CHUNK])
            if len(rows) < page:
                return queued
            after = int(rows[-1].account_id)

    async def _chunk(self, tx: Transaction, latest: list[int]) -> int:
        conn = tx.conn
        now = self._clock.now()
        clear: list[int] = []
        groups: dict[tuple[str, datetime], list[int]] = defaultdict(list)
        readers: dict[int, tuple[Any, Any]] = {}
        for row in (await conn.execute(READERS, {"latest": latest})).all():
            account_id = int(row.account_id)
            if row.email_digest not in {"daily", "weekly"}:
                clear.append(account_id)  # mail changed meanwhile: nothing waits
                continue
            chosen = from_row(row)
            site = default_site(self._settings, row.site_id)
            key, began = period(chosen.email, now.astimezone(zone_of(chosen, site)))
            if row.digest_period == key:
                continue  # this period's digest went already; the items wait for the next
            groups[key, began].append(account_id)
            readers[account_id] = (chosen, site)
        if clear:
            await conn.execute(CLEAR, {"ids": clear})
        mails: list[tuple[int, compose.Body]] = []
        for (key, began), ids in groups.items():
            params = {"ids": ids, "before": began, "period": key}
            taken = [int(r[0]) for r in (await conn.execute(MARK, params)).all()]
            if not taken:
                continue  # nothing before the period began, or another worker took them
            items: dict[int, list[compose.Item]] = defaultdict(list)
            for item in (await conn.execute(ITEMS, {"ids": taken, "before": began})).all():
                items[int(item.account_id)].append(_item(item))
            await conn.execute(TAKE, {"ids": taken, "before": began})
            for account_id, listed in items.items():
                chosen, site = readers[account_id]
                body = compose.render(
                    listed,
                    language_of(chosen, site),
                    period=chosen.email,
                    settings_url=outbox.settings_url(self._settings),
                    unsubscribe_url=outbox.unsubscribe_url(
                        self._settings, self._secret, account_id, now
                    ),
                )
                mails.append((account_id, body))
        await outbox.queue_many(conn, self._settings, "digest", mails, now)
        return len(mails)


def _item(row: Any) -> compose.Item:
    return compose.Item(
        kind=row.kind,
        title=row.title or row.url,
        permalink=permalink(row.url, row.comment_id),
        actor=row.display_name,
        outcome=row.outcome,
        reason=row.reason,
    )
