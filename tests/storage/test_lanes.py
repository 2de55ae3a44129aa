"""``storage.lanes.Lane``: SQLite's thread hop. Work runs off the event loop, in the order it
was queued (one thread: one at a time), its result or its error comes back to the waiting
task, a waiter that gives up loses nothing queued after it, and ``shutdown`` lets queued
work finish."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from rejoinder.storage.lanes import Lane


async def test_work_runs_on_the_lanes_threads_and_answers_on_the_loop() -> None:
    lane = Lane(2, "test-lane")
    try:
        names = await asyncio.gather(
            *(lane.run(lambda: threading.current_thread().name) for _ in range(20))
        )
        assert set(names) <= {"test-lane_0", "test-lane_1"}
        assert threading.current_thread().name not in names
        assert await lane.run(divmod, 17, 5) == (3, 2)
    finally:
        lane.shutdown()


async def test_one_thread_runs_one_piece_at_a_time_in_the_order_queued() -> None:
    lane = Lane(1, "test-writer")
    done: list[int] = []
    running = []

    def work(n: int) -> int:
        running.append(n)
        assert len(running) == 1  # never two at once
        time.sleep(0.001)
        done.append(n)
        running.remove(n)
        return n * n

    try:
        results = await asyncio.gather(*(lane.run(work, n) for n in range(50)))
        assert done == list(range(50))
        assert results == [n * n for n in range(50)]
    finally:
        lane.shutdown()


async def test_an_error_reaches_the_waiter_and_the_lane_goes_on() -> None:
    lane = Lane(1, "test-errors")

    def fail() -> None:
        raise ValueError("no such row")

    try:
        with pytest.raises(ValueError, match="no such row"):
            await lane.run(fail)
        assert await lane.run(len, "still here") == 10
    finally:
        lane.shutdown()


async def test_a_waiter_that_gives_up_drops_its_result_but_not_later_work() -> None:
    lane = Lane(1, "test-cancel")
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []

    def slow() -> str:
        started.set()
        release.wait(5)
        ran.append("slow")
        return "late"

    try:
        waiter = asyncio.ensure_future(lane.run(slow))
        assert await asyncio.to_thread(started.wait, 5)
        skipped = asyncio.ensure_future(lane.run(ran.append, "skipped"))
        after = lane.run(ran.append, "after")
        waiter.cancel()
        skipped.cancel()
        await asyncio.sleep(0)  # the cancellations reach the futures
        release.set()
        assert await after is None
        # The given-up work that had started ran to its end; the one still queued did not.
        assert ran == ["slow", "after"]
        assert skipped.cancelled()
        assert waiter.cancelled()
    finally:
        lane.shutdown()


async def test_shutdown_finishes_what_was_queued() -> None:
    lane = Lane(1, "test-shutdown")
    ran: list[int] = []
    futures = [lane.run(lambda n=n: (time.sleep(0.002), ran.append(n))) for n in range(10)]
    await asyncio.to_thread(lane.shutdown)
    await asyncio.gather(*futures)
    assert ran == list(range(10))
    assert not any(t.name.startswith("test-shutdown") for t in threading.enumerate())


async def test_a_lane_nobody_shut_down_stops_its_threads_when_collected() -> None:
    import gc

    lane = Lane(2, "test-dropped")
    assert await lane.run(int, "7") == 7
    del lane
    gc.collect()
    for _ in range(200):
        if not any(t.name.startswith("test-dropped") for t in threading.enumerate()):
            break
        await asyncio.sleep(0.01)
    assert not any(t.name.startswith("test-dropped") for t in threading.enumerate())
