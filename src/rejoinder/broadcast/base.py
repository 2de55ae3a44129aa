"""The broadcast's contract: wake-ups carrying the outbox's event ids, to every process."""

from __future__ import annotations

from typing import Protocol


class Subscription(Protocol):
    """An async iterator of event ids; it ends when closed (by itself or by the broadcast).

    Several ids announced while the subscriber was busy arrive as one, the highest. An id is
    a hint, "the log has reached at least this id": after Redis comes back every subscriber
    gets one wake-up even if nothing new was announced (its id may repeat an earlier one), so
    a subscriber reads the database from its own position on every wake-up, never trusting
    the id alone.
    """

    def __aiter__(self) -> Subscription: ...

    async def __anext__(self) -> int: ...

    def close(self) -> None:
        """Stop: a pending or later ``__anext__`` ends the iteration."""
        ...


class Broadcast(Protocol):
    """Fan-out of "event N was committed" to every subscriber of every process.

    Contract (tests/broadcast): every subscriber, in any process sharing the backend, receives
    an id >= N for every ``announce(N)`` made after it subscribed, its own process's included;
    no wake-up is lost while the backend is up; after the backend was unreachable every
    subscriber receives a wake-up once it is back. ``announce`` never raises.
    """

    async def start(self) -> None:
        """Connect and start reading (does not fail when the backend is down: it retries)."""
        ...

    async def close(self) -> None:
        """Stop reading, end every subscription, release connections."""
        ...

    async def announce(self, event_id: int) -> None:
        """After a commit: wake every subscriber. A failure is logged and marks unhealthy."""
        ...

    def subscribe(self) -> Subscription:
        """A new subscription; it sees what is announced from now on."""
        ...

    @property
    def healthy(self) -> bool:
        """False while the backend is unreachable (wake-ups then reach this process only)."""
        ...
