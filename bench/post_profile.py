"""CPU per comment post, in-process: the whole ASGI app through ``httpx.ASGITransport``.

    python bench/post_profile.py [--pass-through] [--keyed] [--reply] [--posts 3000] [--profile]
                                 [--redis URL]
                                 [--pg [ADMIN_URL]]

Posts to the bench story ``mid-0`` on a copy of the 1,000,000-comment benchmark database
(``make bench`` creates it; with ``--pg``, a copy of its PostgreSQL twin, made from it the
first time), 16 concurrent clients, the same server settings as ``serve.py``.
Prints posts/s and CPU µs per post (all threads, and the event-loop thread alone; the httpx
client's own work is included). ``--keyed`` sends an ``Idempotency-Key`` as the widget does,
``--reply`` answers a comment; ``--profile`` adds a cProfile of the event-loop thread's CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import pstats
import sqlite3
import time
from typing import Any

import asyncpg
import httpx

import dataset
from dataset import DB
from run import PG_ADMIN, Target, writable
from serve import rejoinder_app

CONCURRENCY = 16
PATH = "/api/v1/sites/bench/stories/mid-0/comments"


PARENT = (
    "SELECT c.id FROM comments c JOIN stories s ON s.id = c.story_id WHERE "
    "s.story_key = 'mid-0' AND c.parent_id IS NULL AND c.status = 'published' "
    "AND c.deleted_at IS NULL LIMIT 1"
)


async def a_parent(db: str) -> int:
    if "://" not in db:
        conn = sqlite3.connect(db)
        row = conn.execute(PARENT).fetchone()
        conn.close()
        return int(row[0])
    pg = await asyncpg.connect(db.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return int(await pg.fetchval(PARENT))
    finally:
        await pg.close()


async def run(args: argparse.Namespace, db: str) -> None:
    app = rejoinder_app(db, cache=True, pass_through=args.pass_through, redis=args.redis)
    parent = await a_parent(db) if args.reply else None
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.test") as client:

        async def post(n: int) -> None:
            headers = {"Authorization": f"Bearer bench-token-{n % 500 + 1}"}
            if args.keyed:
                headers["Idempotency-Key"] = f"profile-{n}"
            body: dict[str, Any] = {"body": f"Bench comment {n} on the council budget."}
            if parent is not None:
                body["parent_id"] = parent
            response = await client.post(PATH, json=body, headers=headers)
            assert response.status_code == 201, response.text

        async def client_loop(first: int, count: int) -> None:
            for n in range(first, first + count):
                await post(n)

        async def burst(offset: int, per_client: int) -> None:
            await asyncio.gather(
                *(client_loop(offset + c * per_client, per_client) for c in range(CONCURRENCY))
            )

        await burst(0, 50)  # warm-up: connections, caches, the pipeline's models
        per_client = args.posts // CONCURRENCY
        total = per_client * CONCURRENCY
        profiler = cProfile.Profile(time.thread_time) if args.profile else None
        wall, cpu, loop_cpu = time.perf_counter(), time.process_time(), time.thread_time()
        if profiler is not None:
            profiler.enable()
        await burst(10_000_000, per_client)
        if profiler is not None:
            profiler.disable()
        wall = time.perf_counter() - wall
        cpu = (time.process_time() - cpu) / total * 1e6
        loop_cpu = (time.thread_time() - loop_cpu) / total * 1e6
    print(
        f"{total / wall:,.0f} posts/s, CPU {cpu:,.0f} µs a post "
        f"(event-loop thread {loop_cpu:,.0f}, other threads {cpu - loop_cpu:,.0f})"
    )
    if profiler is not None:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.only or "", 40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pass-through", action="store_true", help="no moderation checks")
    parser.add_argument("--keyed", action="store_true", help="send an Idempotency-Key")
    parser.add_argument("--reply", action="store_true", help="post replies")
    parser.add_argument("--posts", type=int, default=3000)
    parser.add_argument("--profile", action="store_true", help="cProfile, CPU time")
    parser.add_argument("--redis", metavar="URL", help="with Redis backends at this URL")
    parser.add_argument("--sort", default="tottime", help="profile order: tottime, cumulative")
    parser.add_argument("--only", default="", help="the profile's rows whose path matches this")
    parser.add_argument(
        "--pg", nargs="?", const=PG_ADMIN, help="on PostgreSQL (this server's admin URL)"
    )
    args = parser.parse_args()
    if not DB.exists():
        raise SystemExit(f"{DB} is missing: run `make bench` once to create it")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if args.pg:
        target = Target("PostgreSQL", dataset.ensure_pg(args.pg), "pg_")
    else:
        target = Target("SQLite", str(DB), "")
    with writable(target, DB) as db:
        try:  # the servers run on uvloop when it is installed (serve.py)
            import uvloop
        except ImportError:
            asyncio.run(run(args, db))
        else:
            uvloop.run(run(args, db))


if __name__ == "__main__":
    main()
