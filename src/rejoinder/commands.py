"""``create_command_runtime(settings)``: the lean wiring of one-off commands (import, export).

Kept apart from ``rejoinder.app``, whose imports alone (Litestar, every route, the widget)
are tens of megabytes a command that only reads and writes the database does not need. What
both build the same way (the event log, the name policy) is defined here once.
"""

from __future__ import annotations

from datetime import timedelta

from rejoinder import broadcast
from rejoinder.events.outbox import EventOutbox
from rejoinder.events.relay import Relay
from rejoinder.kernel.clock import Clock, SystemClock
from rejoinder.profiles.policy import NamePolicy
from rejoinder.runtime import CommandRuntime
from rejoinder.settings import Settings
from rejoinder.storage.database import Database, open_database


def event_log(settings: Settings, clock: Clock) -> tuple[Database, Relay]:
    """The database, its events written with each change and handed to ``relay`` after the
    commit; other processes are woken through ``[redis] url`` when it is set (one process
    needs no wake-ups: its own commits reach its relay directly)."""
    relay = Relay(
        clock,
        poll_seconds=settings.events.poll_seconds,
        coalesce_seconds=settings.events.durable_coalesce_seconds,
        retention=timedelta(days=settings.events.retention_days),
    )
    db = open_database(
        settings.database.url,
        pool_size=settings.database.pool_size,
        outbox=EventOutbox(clock, relay),
    )
    relay.attach(db, broadcast.from_settings(settings.redis) if settings.redis.url else None)
    return db, relay


def name_policy(settings: Settings) -> NamePolicy:
    """Site names are reserved as display names, with the operator's own list."""
    names = settings.display_names
    return NamePolicy(
        min_length=names.min_length,
        max_length=names.max_length,
        reserved=[*names.reserved, *(site.name for site in settings.sites)],
        blocked_words=names.blocked_words,
    )


def create_command_runtime(settings: Settings, *, clock: Clock | None = None) -> CommandRuntime:
    """The database with its event log, the clock and the name policy: nothing that serves."""
    clock = clock or SystemClock()
    db, relay = event_log(settings, clock)
    return CommandRuntime(
        settings=settings, clock=clock, db=db, relay=relay, names=name_policy(settings)
    )
