"""The cost of SQLite's thread hop: ``loop.run_in_executor`` against ``storage.lanes.Lane``.

    python bench/hop.py

A function that does nothing is sent to two worker threads and its result awaited, 5,000
times one at a time and 5,000 times 32 at once, through a ``ThreadPoolExecutor`` and through a
``Lane``; CPU µs of the whole process per hop (``time.process_time``), each way twice.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rejoinder.storage.lanes import Lane

HOPS = 5_000
AT_ONCE = 32


def nothing() -> int:
    return 1


async def cpu_per_hop(call: Callable[[], Awaitable[int]]) -> tuple[float, float]:
    for _ in range(200):
        await call()
    started = time.process_time()
    for _ in range(HOPS):
        await call()
    alone = (time.process_time() - started) / HOPS * 1e6
    started = time.process_time()
    for _ in range(HOPS // AT_ONCE):
        await asyncio.gather(*(call() for _ in range(AT_ONCE)))
    together = (time.process_time() - started) / (HOPS // AT_ONCE * AT_ONCE) * 1e6
    return alone, together


async def main() -> None:
    loop = asyncio.get_running_loop()
    pool, lane = ThreadPoolExecutor(2), Lane(2, "bench-lane")
    ways: dict[str, Callable[[], Awaitable[int]]] = {
        "run_in_executor": lambda: loop.run_in_executor(pool, nothing),
        "Lane": lambda: lane.run(nothing),
    }
    for _ in range(2):
        for name, call in ways.items():
            alone, together = await cpu_per_hop(call)
            print(
                f"  {name:16} {alone:5.0f} µs CPU a hop one at a time, "
                f"{together:5.0f} µs each {AT_ONCE} at once"
            )
    pool.shutdown()
    lane.shutdown()


if __name__ == "__main__":
    try:
        import uvloop
    except ImportError:
        asyncio.run(main())
    else:
        uvloop.run(main())
