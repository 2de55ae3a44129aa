"""The transactional outbox: a transaction's events become rows of the ``events`` table in
that same transaction, and go to the relay once it has committed."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import bindparam, insert

from rejoinder.events.base import Event
from rejoinder.events.catalogue import encode
from rejoinder.events.models import events
from rejoinder.kernel.clock import Clock
from rejoinder.storage.database import Connection
from rejoinder.storage.statements import defined

INSERT_EVENT = defined(
    insert(events)
    .values(
        name=bindparam("name"),
        site_id=bindparam("site_id"),
        story_id=bindparam("story_id"),
        account_id=bindparam("account_id"),
        payload=bindparam("payload"),
        created_at=bindparam("created_at"),
    )
    .returning(events.c.id)
)


class Committed(Protocol):
    async def committed(self, ids: list[int], events: list[Event]) -> None: ...


class EventOutbox:
    """``storage.Outbox`` for the event log; hands committed events to ``relay``."""

    def __init__(self, clock: Clock, relay: Committed) -> None:
        self._clock = clock
        self._relay = relay

    async def write(self, conn: Connection, items: list[Any]) -> list[int]:
        now = self._clock.now()
        ids: list[int] = []
        for event in items:
            assert isinstance(event, Event), f"not a catalogue event: {event!r}"
            site_id, story_id = event.story_scope()
            result = await conn.execute(
                INSERT_EVENT,
                {
                    "name": event.name,
                    "site_id": site_id,
                    "story_id": story_id,
                    "account_id": event.account(),
                    "payload": encode(event).decode(),
                    "created_at": now,
                },
            )
            ids.append(int(result.scalar_one()))
        return ids

    async def committed(self, ids: list[int], items: list[Any]) -> None:
        await self._relay.committed(ids, items)
