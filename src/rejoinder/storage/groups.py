"""Group commit: write units that queue while a group commits run together in the next one.

``Database.run_write(work, *args)`` hands a unit of work to :class:`GroupCommit`. The unit
waits for the group lock; the first unit to take it leads a group of every unit queued by
then (at most ``GROUP_LIMIT``), which the backend runs in one transaction as if each unit were
inside a savepoint of its own: a unit that fails is rolled back alone and gets its error, the
others go on, and everything commits once (SQLite takes a savepoint per unit, they cost
nothing there; PostgreSQL runs the units without and, only when one fails, rolls the group
back and runs it again with them). Each caller hears only after that
COMMIT. A lone unit runs without a savepoint.

Why both databases need it:

* SQLite has one writer: a commit writes every page the transaction touched to the WAL (the
  comment's row, its index leaves, the story, the event log), and a burst of posts shares
  those pages and the commit instead of paying them once each.
* On PostgreSQL, event ids must become visible in id order, so a transaction that writes
  events takes an advisory lock before it inserts them and holds it through COMMIT, which
  waits for the WAL to reach the disk (fdatasync: ~2.4 ms on this machine). One post per
  commit would cap every process together at one fsync per post (~400 posts/s here, however
  many cores); a group pays one lock and one fsync for all its posts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from rejoinder.storage.connection import Outbox

__all__ = ["GROUP_LIMIT", "GroupCommit", "Outcome", "Queued"]

GROUP_LIMIT = 64  # units in one group commit: bounds the wait of the last one


class Queued:
    """A unit of work waiting for a group, and where its outcome goes (compared by identity)."""

    __slots__ = ("args", "outcome", "work")

    def __init__(
        self, work: Callable[..., Any], args: tuple[Any, ...], outcome: asyncio.Future[Any]
    ) -> None:
        self.work = work
        self.args = args
        self.outcome = outcome


# An error, or the unit's result with its events' log ids and the events.
Outcome = tuple[Exception | None, Any, list[int], list[Any]]
# Runs a group in one transaction: one outcome per unit, or raises when the transaction
# itself failed (BEGIN, COMMIT, a lost connection).
GroupRunner = Callable[[list[Queued]], Awaitable[list[Outcome]]]


class GroupCommit:
    """The queue of write units of one database, and the leader that commits each group."""

    def __init__(
        self,
        run_group: GroupRunner,
        outbox: Outbox,
        lock: asyncio.Lock,
        *,
        transient: Callable[[Exception], bool] = lambda _: False,
    ) -> None:
        self.run_group = run_group
        self._outbox = outbox
        # SQLite shares it with ``transaction()``: both need the one writer.
        self._lock = lock
        # A group holds every unit's row locks until it commits, so on PostgreSQL two groups
        # (of two processes) can deadlock where their units alone would not have: a unit that
        # fails so inside a group is run again alone, once.
        self._transient = transient
        self._queued: list[Queued] = []

    async def run(self, work: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """``work(tx, *args)`` committed with whichever other units queued meanwhile; its
        result once committed, or the error it raised."""
        unit = Queued(work, args, asyncio.get_running_loop().create_future())
        self._queued.append(unit)
        try:
            async with self._lock:
                if not unit.outcome.done():  # no group before ours took it: we lead one
                    group = self._queued[:GROUP_LIMIT]
                    del self._queued[:GROUP_LIMIT]
                    # Shielded: were this caller cancelled, the others still get their outcome.
                    await asyncio.shield(self._commit(group))
        except asyncio.CancelledError:
            if unit in self._queued:  # not started: it never will be
                self._queued.remove(unit)
            raise
        return await unit.outcome

    async def _commit(self, group: list[Queued]) -> None:
        try:
            outcomes = await self.run_group(group)
        except Exception as error:  # noqa: BLE001 - BEGIN or COMMIT failed: every unit hears it
            for unit in group:
                if not unit.outcome.done():
                    unit.outcome.set_exception(error)
            return
        except BaseException:  # the loop is going away: nobody waits for an outcome
            for unit in group:
                unit.outcome.cancel()
            raise
        again: list[Queued] = []
        ids: list[int] = []
        events: list[Any] = []
        for unit, (failed, result, unit_ids, unit_events) in zip(group, outcomes, strict=True):
            if failed is not None:
                if len(group) > 1 and self._transient(failed):
                    again.append(unit)
                else:
                    unit.outcome.set_exception(failed)
                continue
            unit.outcome.set_result(result)
            ids += unit_ids
            events += unit_events
        if events:
            await self._outbox.committed(ids, events)
        for unit in again:
            await self._commit([unit])
