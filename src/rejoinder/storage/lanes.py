"""``Lane``: worker threads fed by one queue, answering on the event loop.

SQLite's work runs on its own threads (``storage.sqlite``): every page read and every write
group is one hop there and back. ``loop.run_in_executor`` makes that hop through a
``concurrent.futures.Future`` (a lock and a condition each), wraps it in an asyncio future and
chains the two with callbacks; measured here, that is 150-190 µs of CPU a hop one at a time
and about 70 µs each with 32 at once. A lane puts ``(future, fn, args)`` on a
``queue.SimpleQueue`` and the thread hands the result back with one
``call_soon_threadsafe``: about 50 µs one at a time, 11-14 µs each with 32 at once
(``bench/hop.py``; ``docs/performance.md``).

Work is done in the order it was queued; with one thread (SQLite's writer), one piece of work
at a time, in that order. ``shutdown`` lets what was queued finish first. A caller that stops
waiting (its task cancelled) before its work started skips it; once started, the work runs
to its end and its result is dropped: both as with an executor.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import weakref
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

T = TypeVar("T")

_STOP = None  # what ``shutdown`` queues: one per thread


class Lane:
    def __init__(self, workers: int, name: str) -> None:
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        # The threads hold the queue, not the lane: a lane nobody shut down stops its threads
        # when it is collected, as an executor's do.
        self._threads = [
            threading.Thread(target=_work, args=(self._queue,), name=f"{name}_{n}", daemon=True)
            for n in range(workers)
        ]
        for thread in self._threads:
            thread.start()
        weakref.finalize(self, _stop, self._queue, workers)

    def run(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        """``fn(*args)`` on one of the lane's threads; call it on the event loop."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put((loop, future, fn, args))
        return future

    def shutdown(self) -> None:
        """Finish what was queued, then stop the threads (waits for them)."""
        _stop(self._queue, len(self._threads))
        for thread in self._threads:
            thread.join()


def _stop(work: queue.SimpleQueue[Any], threads: int) -> None:
    for _ in range(threads):
        work.put(_STOP)


def _work(work: queue.SimpleQueue[Any]) -> None:
    take = work.get
    while (item := take()) is not _STOP:
        loop, future, fn, args = item
        if future.cancelled():  # its waiter gave up before it started: skipped, as an
            del item, loop, future, fn, args  # executor skips a cancelled future's work
            continue
        try:
            result, error = fn(*args), None
        except BaseException as raised:  # noqa: BLE001 - handed to the waiting task
            result, error = None, raised
        with suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle, future, result, error)
        del item, loop, future, fn, args, result, error  # nothing held while idle


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
