"""The transactional outbox: a transaction's events become rows of the ``events`` table in
that same transaction, and go to the relay once it has committed."""

from __future__ import annotations

import functools
from typing import Any, Protocol

from sqlalchemy import bindparam, insert

from rejoinder.events.base import Event
from rejoinder.events.catalogue import encode
from rejoinder.events.models import events
from rejoinder.kernel.clock import Clock
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

_COLUMNS = ("name", "site_id", "story_id", "account_id", "payload", "created_at")
CHUNK = 64  # rows in one INSERT: a group commit's events usually fit in one round trip


@functools.cache
def _insert_events(count: int) -> Any:
    """``INSERT … VALUES (…), … RETURNING id`` for ``count`` events, defined once per count
    (bind parameters ``name_0``, ``site_id_0``, …)."""
    rows: list[dict[str, Any]] = [
        {c: bindparam(f"{c}_{n}") for c in _COLUMNS} for n in range(count)
    ]
    return defined(insert(events).values(rows).returning(events.c.id))


class Committed(Protocol):
    async def committed(self, ids: list[int], events: list[Event]) -> None: ...


class EventOutbox:
    """``storage.Outbox`` for the event log; hands committed events to ``relay``."""

    def __init__(self, clock: Clock, relay: Committed) -> None:
        self._clock = clock
        self._relay = relay

    async def write(self, conn: Connection, items: list[Any]) -> list[int]:
        """The events' rows, in ``items``' order: their ids ascend in that order (ids come
        from the table's sequence, rows are inserted in the order listed, under the
        event-order lock)."""
        now = self._clock.now()
        ids: list[int] = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            values: dict[str, Any] = {}
            for n, event in enumerate(chunk):
                assert isinstance(event, Event), f"not a catalogue event: {event!r}"
                site_id, story_id = event.story_scope()
                values[f"name_{n}"] = event.name
                values[f"site_id_{n}"] = site_id
                values[f"story_id_{n}"] = story_id
                values[f"account_id_{n}"] = event.account()
                values[f"payload_{n}"] = encode(event).decode()
                values[f"created_at_{n}"] = now
            result = await conn.execute(_insert_events(len(chunk)), values)
            ids += sorted(int(i) for i in result.scalars())
        return ids

    async def committed(self, ids: list[int], items: list[Any]) -> None:
        await self._relay.committed(ids, items)
