"""Write units (``Database.run_write``) run concurrently: each commits or fails on its own,
and its caller hears only after the commit. On both databases the units that queue while a
commit is under way commit together, as if each were in a savepoint of its own
(``storage.groups``): SQLite takes one per unit; PostgreSQL runs them without and, when one
fails, runs the group again with one per unit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from factories import make_comment, make_reader, make_story, record_events
from rejoinder.events.catalogue import StoryUpdated
from rejoinder.events.models import events
from rejoinder.events.outbox import CHUNK
from rejoinder.runtime import Runtime
from rejoinder.storage.connection import NoOutbox
from rejoinder.storage.database import Database, Transaction
from rejoinder.storage.postgres import PostgresDatabase
from rejoinder.storage.sqlite import SqliteDatabase

_meta = MetaData()
units = Table(
    "test_write_units",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("label", String(32), nullable=False),
)


async def _create(runtime: Runtime) -> None:
    ddl = "CREATE TABLE test_write_units (id BIGINT PRIMARY KEY, label VARCHAR(32) NOT NULL)"
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(text(ddl))


async def _rows(runtime: Runtime) -> dict[int, str]:
    async with runtime.db.read() as conn:
        return {row.id: row.label for row in await conn.execute(select(units))}


KEEP = False  # the unit succeeds


async def _write(tx: Transaction, row_id: int, label: str, fail: bool) -> int:
    await tx.conn.execute(insert(units).values(id=row_id, label=label))
    await tx.conn.execute(insert(units).values(id=row_id + 1000, label=label))
    if fail:
        raise RuntimeError(f"unit {row_id} failed after two inserts")
    return row_id


async def test_a_failing_unit_takes_only_its_own_writes_with_it(runtime: Runtime) -> None:
    await _create(runtime)
    outcomes = await asyncio.gather(
        *(runtime.db.run_write(_write, n, f"unit {n}", n % 7 == 3) for n in range(40)),
        return_exceptions=True,
    )
    failed = [n for n in range(40) if n % 7 == 3]
    for n, outcome in enumerate(outcomes):
        if n in failed:
            assert isinstance(outcome, RuntimeError)
            assert str(outcome) == f"unit {n} failed after two inserts"
        else:
            assert outcome == n
    rows = await _rows(runtime)
    kept = [n for n in range(40) if n not in failed]
    assert sorted(rows) == sorted([*kept, *(n + 1000 for n in kept)])


async def test_a_constraint_error_fails_its_unit_and_no_other(runtime: Runtime) -> None:
    await _create(runtime)
    await runtime.db.run_write(_write, 5, "first", KEEP)
    outcomes = await asyncio.gather(
        runtime.db.run_write(_write, 1, "before", KEEP),
        runtime.db.run_write(_write, 5, "duplicate", KEEP),
        runtime.db.run_write(_write, 9, "after", KEEP),
        return_exceptions=True,
    )
    assert outcomes[0] == 1
    assert isinstance(outcomes[1], IntegrityError)
    assert outcomes[2] == 9
    assert await _rows(runtime) == {
        1: "before",
        1001: "before",
        5: "first",
        1005: "first",
        9: "after",
        1009: "after",
    }


async def test_concurrent_units_events_reach_the_relay_in_id_order(runtime: Runtime) -> None:
    story = await make_story(runtime)
    readers = [await make_reader(runtime) for _ in range(6)]
    recorder = record_events(runtime)
    await asyncio.gather(
        *(make_comment(runtime, reader, story, f"comment {n}") for n, reader in enumerate(readers))
    )
    created = [(i, event) for i, event in recorder.seen if event.name == "comment.created"]
    assert len(created) == 6
    ids = [event_id for event_id, _ in created]
    assert ids == sorted(ids)
    assert len(set(ids)) == 6


async def _wait_for(tx: Transaction, gate: asyncio.Event) -> None:
    await gate.wait()


@asynccontextmanager
async def _commit_under_way(db: Database) -> AsyncIterator[None]:
    """While this runs, a commit is under way: SQLite's one writer is in a transaction; on
    PostgreSQL a group is running (a unit of it waits: there a unit may await anything)."""
    if isinstance(db, SqliteDatabase):
        async with db.transaction():
            yield
        return
    gate = asyncio.Event()
    running = asyncio.ensure_future(db.run_write(_wait_for, gate))
    await asyncio.sleep(0.05)
    try:
        yield
    finally:
        gate.set()
        await running


def _group_sizes(db: Database) -> list[int]:
    sizes: list[int] = []
    groups = db._groups  # type: ignore[attr-defined]
    real = groups.run_group

    async def counted(group: list[Any]) -> Any:
        sizes.append(len(group))
        return await real(group)

    groups.run_group = counted
    return sizes


async def test_units_queued_during_a_commit_commit_together(runtime: Runtime) -> None:
    await _create(runtime)
    db = runtime.db
    sizes = _group_sizes(db)
    async with _commit_under_way(db):
        pending = [
            asyncio.ensure_future(db.run_write(_write, n, f"unit {n}", n == 4)) for n in range(10)
        ]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in pending)  # nothing before its commit
    outcomes = await asyncio.gather(*pending, return_exceptions=True)
    assert sizes[-1] == 10  # one transaction, one commit, for the ten queued
    assert isinstance(outcomes[4], RuntimeError)
    assert [o for n, o in enumerate(outcomes) if n != 4] == [n for n in range(10) if n != 4]
    rows = await _rows(runtime)
    assert len(rows) == 18
    assert 4 not in rows
    assert 1004 not in rows


async def _counted(tx: Transaction, row_id: int, fail: bool, runs: dict[int, int]) -> int:
    runs[row_id] = runs.get(row_id, 0) + 1
    return await _write(tx, row_id, f"unit {row_id}", fail)


async def test_each_unit_of_a_group_runs_once_unless_one_of_them_fails(runtime: Runtime) -> None:
    """A group without a failure runs every unit once. With one, SQLite rolls the failing
    unit back to its savepoint; PostgreSQL rolls the group back at the failing unit and runs
    it again with a savepoint per unit, so the units before it run twice, and every other
    unit is committed once."""
    await _create(runtime)
    db = runtime.db
    sizes = _group_sizes(db)
    for failing in (None, 3):
        runs: dict[int, int] = {}
        first = 100 if failing is None else 200
        async with _commit_under_way(db):
            pending = [
                asyncio.ensure_future(db.run_write(_counted, first + n, n == failing, runs))
                for n in range(6)
            ]
            await asyncio.sleep(0.05)
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        assert sizes[-1] == 6
        if failing is None:
            assert outcomes == [first + n for n in range(6)]
            assert runs == {first + n: 1 for n in range(6)}
            continue
        assert isinstance(outcomes[failing], RuntimeError)
        if db.dialect == "postgresql":  # the first run stopped at the failing unit
            assert runs == {first + n: 2 if n <= failing else 1 for n in range(6)}
        else:
            assert runs == {first + n: 1 for n in range(6)}
    rows = await _rows(runtime)
    assert sorted(rows) == sorted(
        [*range(100, 106), *(n for n in range(200, 206) if n != 203)]
        + [n + 1000 for n in [*range(100, 106), *(n for n in range(200, 206) if n != 203)]]
    )


async def _emit(tx: Transaction, story_id: int, fail: bool) -> int:
    await tx.conn.execute(insert(units).values(id=story_id, label="emits"))
    tx.emit(StoryUpdated(story_id=story_id, site_id="test", story_key=f"s-{story_id}"))
    if fail:
        raise RuntimeError("after its event")
    return story_id


async def test_a_groups_events_are_logged_in_unit_order_without_the_failed_units(
    runtime: Runtime,
) -> None:
    await _create(runtime)
    db = runtime.db
    sizes = _group_sizes(db)
    recorder = record_events(runtime)
    async with _commit_under_way(db):
        pending = [asyncio.ensure_future(db.run_write(_emit, n, n in {2, 5})) for n in range(8)]
        await asyncio.sleep(0.05)
    await asyncio.gather(*pending, return_exceptions=True)
    assert sizes[-1] == 8
    logged = [(i, e.story_id) for i, e in recorder.seen if isinstance(e, StoryUpdated)]
    assert [story for _, story in logged] == [0, 1, 3, 4, 6, 7]
    ids = [i for i, _ in logged]
    assert ids == sorted(ids)
    async with db.read() as conn:
        stored = (await conn.execute(select(func.count()).select_from(events))).scalar()
    assert stored == 6


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[SqliteDatabase]:
    """SQLite's writer on its own (both suite runs test it): a file with the test table."""
    db = SqliteDatabase(str(tmp_path / "units.sqlite3"), NoOutbox())
    async with db.transaction() as tx:
        await tx.conn.execute(
            text("CREATE TABLE test_write_units (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
        )
    yield db
    await db.close()


async def _sqlite_rows(db: SqliteDatabase) -> dict[int, str]:
    async with db.read() as conn:
        return {row.id: row.label for row in await conn.execute(select(units))}


async def test_a_unit_cancelled_before_it_started_never_runs(sqlite_db: SqliteDatabase) -> None:
    db = sqlite_db
    async with db.transaction():
        waiting = asyncio.ensure_future(db.run_write(_write, 7, "cancelled", KEEP))
        await asyncio.sleep(0.05)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    await db.run_write(_write, 8, "later", KEEP)
    assert await _sqlite_rows(db) == {8: "later", 1008: "later"}


async def test_a_cancelled_leader_still_delivers_its_group(sqlite_db: SqliteDatabase) -> None:
    """The caller that leads a group is cancelled while the group runs: the others still get
    their outcomes, and its own unit is committed (it had started)."""
    db = sqlite_db
    async with db.transaction():
        leader = asyncio.ensure_future(db.run_write(_write, 1, "leader", KEEP))
        others = [asyncio.ensure_future(db.run_write(_write, n, f"unit {n}", KEEP)) for n in (2, 3)]
        await asyncio.sleep(0.05)
    await asyncio.sleep(0)  # the leader takes the lock and starts the group
    leader.cancel()
    assert await asyncio.gather(*others) == [2, 3]
    assert set(await _sqlite_rows(db)) == {1, 2, 3, 1001, 1002, 1003}


@pytest.fixture
async def pg_db(fleet_database: str) -> AsyncIterator[PostgresDatabase]:
    """PostgreSQL on its own (both suite runs test it: a deadlock needs PostgreSQL)."""
    db = PostgresDatabase(fleet_database, NoOutbox(), pool_size=4)
    async with db.transaction() as tx:
        await tx.conn.execute(
            text("CREATE TABLE test_write_units (id BIGINT PRIMARY KEY, label TEXT NOT NULL)")
        )
        await tx.conn.execute(insert(units).values([(1, "a"), (2, "b")]))
    yield db
    await db.close()


async def _a_then_b(
    tx: Transaction, holds_a: asyncio.Event, turn: asyncio.Event, attempts: list[int]
) -> str:
    attempts.append(1)
    await tx.conn.execute(text("SET LOCAL deadlock_timeout = '300ms'"))
    await tx.conn.execute(update(units).where(units.c.id == 1).values(label="group"))
    holds_a.set()
    await turn.wait()  # the other transaction holds row 2 now, and will want row 1
    await tx.conn.execute(update(units).where(units.c.id == 2).values(label="group"))
    return "done"


async def test_a_unit_that_deadlocks_inside_a_group_is_run_again_alone(
    pg_db: PostgresDatabase,
) -> None:
    """A group holds all its units' row locks until it commits, so it can deadlock with
    another transaction where its units alone would not: PostgreSQL picks the group's unit
    (it waited first). The group ran without savepoints, so it is rolled back whole and run
    again, each unit in a savepoint (``_in_one(savepoints=True)``); by then the other transaction
    has its rows and the unit succeeds the second time, in the same group."""
    db = pg_db
    sizes = _group_sizes(db)
    holds_a, turn = asyncio.Event(), asyncio.Event()
    attempts: list[int] = []
    async with _commit_under_way(db):
        deadlocking = asyncio.ensure_future(db.run_write(_a_then_b, holds_a, turn, attempts))
        bystander = asyncio.ensure_future(db.run_write(_write, 10, "bystander", KEEP))
        await asyncio.sleep(0.05)
    await holds_a.wait()
    async with db.transaction() as other:
        # Only the group's unit looks for the deadlock in time (300 ms against 10 s): it is
        # the victim.
        await other.conn.execute(text("SET LOCAL deadlock_timeout = '10s'"))
        await other.conn.execute(update(units).where(units.c.id == 2).values(label="other"))
        turn.set()
        await asyncio.sleep(0.05)  # the group's unit waits for row 2 now
        await other.conn.execute(update(units).where(units.c.id == 1).values(label="other"))
    assert await deadlocking == "done"
    assert await bystander == 10
    assert len(attempts) == 2  # in the group without savepoints, then in the group again
    assert sizes[-1] == 2  # the group of two, not the unit again on its own
    async with db.read() as conn:
        labels = {row.id: row.label for row in await conn.execute(select(units))}
    assert labels[1] == labels[2] == "group"  # run again after the other one committed
    assert labels[10] == labels[1010] == "bystander"


async def test_many_events_of_one_transaction_are_logged_in_their_order(
    runtime: Runtime,
) -> None:
    """The outbox writes a transaction's events in multi-row statements (up to ``CHUNK``
    each): ids still ascend in the order the events were emitted, across chunks."""
    count = 2 * CHUNK + 7
    recorder = record_events(runtime)
    async with runtime.db.transaction() as tx:
        for n in range(count):
            tx.emit(StoryUpdated(story_id=n, site_id="test", story_key=f"s-{n}"))
    logged = [(i, e.story_id) for i, e in recorder.seen if isinstance(e, StoryUpdated)]
    assert [story for _, story in logged] == list(range(count))
    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(events.c.id, events.c.payload)
                .where(events.c.name == "story.updated")
                .order_by(events.c.id)
            )
        ).all()
    assert [row.id for row in rows] == [i for i, _ in logged]
    assert [f'"s-{n}"' in row.payload for n, row in enumerate(rows)] == [True] * count
