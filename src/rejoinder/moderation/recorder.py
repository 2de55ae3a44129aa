"""Files the pipeline's findings in ``comment_checks`` once a comment is stored.

The seam hands the comments service a :class:`~rejoinder.moderation.seam.Decision` whose
``detail`` holds the pipeline's record; the comment id only exists after the insert, so the
record is filed here, on ``comment.created`` / ``comment.edited`` (after the commit).

Group commit: on SQLite every write transaction queues for the one writer, and a transaction
per comment would halve the write path's throughput. So ids are queued, and the first handler
that finds no flush running becomes the flusher: it writes everything queued (its own id and
any that arrived meanwhile) in one transaction, until the queue is empty. A lone comment is
filed before its request returns; a burst is filed in a few transactions. If the process dies
in between, the findings are still in ``comments.moderation_detail`` (the desk reads them from
there when a check row is missing) and nothing about the comment's status is lost.
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import delete, insert, select

from rejoinder.comments.models import comments
from rejoinder.kernel.clock import Clock
from rejoinder.kernel.events import Event, EventBus
from rejoinder.moderation.models import audit_log, comment_checks
from rejoinder.moderation.pipeline import decode_record
from rejoinder.moderation.sqlite_lane import sqlite_lane
from rejoinder.storage.database import Database
from rejoinder.stories.models import stories

EVENTS = ("comment.created", "comment.edited")
_encode = msgspec.json.Encoder().encode


class Recorder:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.queue: list[int] = []
        self.flushing = False
        self.lane = sqlite_lane(db.url)

    async def on_event(self, event: Event) -> None:
        comment_id = event.data.get("comment_id")
        if not isinstance(comment_id, int):
            return
        self.queue.append(comment_id)
        if self.flushing:
            return  # the running flusher picks it up
        self.flushing = True
        try:
            while self.queue:
                batch, self.queue = self.queue, []
                await self.file(batch)
        finally:
            self.flushing = False

    async def file(self, comment_ids: list[int]) -> None:
        now = self.clock.now()
        ids = sorted(set(comment_ids))
        if self.lane is not None:
            await self.lane.file(filing, ids, now)
            return
        async with self.db.transaction() as tx:
            rows = await tx.conn.execute(
                select(
                    comments.c.id,
                    comments.c.account_id,
                    comments.c.moderation_detail,
                    comments.c.status,
                    comments.c.moderation_phase,
                    stories.c.site_id,
                )
                .join(stories, stories.c.id == comments.c.story_id)
                .where(comments.c.id.in_(ids))
            )
            checks, audits = filing([tuple(row) for row in rows])
            if checks:
                # An edit is checked afresh: its old row goes, and with it the review mark.
                await tx.conn.execute(
                    delete(comment_checks).where(
                        comment_checks.c.comment_id.in_([row[0] for row in checks])
                    )
                )
                await tx.conn.execute(
                    insert(comment_checks),
                    [
                        {**dict(zip(CHECK_FIELDS, row, strict=True)), "checked_at": now}
                        for row in checks
                    ],
                )
            if audits:
                await tx.conn.execute(
                    insert(audit_log),
                    [
                        {
                            **dict(zip(AUDIT_FIELDS, row, strict=True)),
                            "created_at": now,
                            "actor_name": "pipeline",
                        }
                        for row in audits
                    ],
                )


CHECK_FIELDS = ("comment_id", "account_id", "text_hash", "toxicity", "flagged", "trace")
AUDIT_FIELDS = ("action", "site_id", "comment_id", "account_id", "after", "reason")
ACTIONS = {"pending": "pipeline.hold", "rejected": "pipeline.reject"}


def filing(
    stored: list[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Stored (id, account, detail, status, phase, site) rows to check rows and audit rows.

    Every hold and rejection by the pipeline is audited like a moderator's decision, with the
    finding of the phase that decided as the reason (who: ``pipeline``).
    """
    checks: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    for comment_id, account_id, detail, status, phase, site_id in stored:
        record = decode_record(detail)
        if record is None:
            continue  # another pipeline (tests, pass-through) left no record
        trace = _encode(record.trace).decode()
        checks.append((comment_id, account_id, record.hash, record.toxicity, record.flagged, trace))
        if status in ACTIONS:
            why = next((f.detail for f in record.trace if f.phase == phase), None)
            after = _encode({"status": status, "phase": phase}).decode()
            audits.append((ACTIONS[status], site_id, comment_id, account_id, after, why))
    return checks, audits


def subscribe_recorder(bus: EventBus, db: Database, clock: Clock) -> Recorder:
    recorder = Recorder(db, clock)
    for name in EVENTS:
        bus.subscribe(name, recorder.on_event)
    return recorder
