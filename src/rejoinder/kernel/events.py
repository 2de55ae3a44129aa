"""Domain events and the bus they travel on.

Actions never publish directly: they ``emit`` on their transaction, and the storage layer
publishes after the commit succeeds (see ``rejoinder.storage.database.Transaction``).
Subscribers (live updates, caches, notifications, webhooks) must not raise; one that does is
logged and the others still run.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import msgspec

log = logging.getLogger(__name__)


class Event(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every domain event; ``name`` is stable, e.g. ``comment.created``."""

    name: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


Handler = Callable[[Event], Awaitable[None]]


class EventBus(Protocol):
    def subscribe(self, name: str, handler: Handler) -> None:
        """Call ``handler`` for every event called ``name`` (``*`` for every event)."""
        ...

    async def publish(self, event: Event) -> None:
        """Deliver an event to its subscribers. Never raises for a subscriber's failure."""
        ...


class InProcessBus:
    """The embedded default: subscribers run in this process, in subscription order."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, name: str, handler: Handler) -> None:
        self._handlers[name].append(handler)

    async def publish(self, event: Event) -> None:
        for handler in (*self._handlers.get(event.name, ()), *self._handlers.get("*", ())):
            try:
                await handler(event)
            except Exception:  # a failing subscriber must not undo a committed change
                log.exception("event handler failed", extra={"event": event.name})
