"""Rejoinder's benchmarks, side by side in one run (PRODUCT.md §5), with the ratios.

    make bench                 # or: python bench/run.py [--quick] [--skip-isso] [--posts-only]

(a) a raw ASGI app returning the same bytes as a cached first page, (b) Rejoinder's cached first
page, anonymous and signed in, (c) uncached first pages from a 1,000,000-comment database at
story sizes 10, 1,000 and 100,000 (and a page from the middle of the largest story), (d)
Rejoinder's posts, and Isso 0.14 on threads of the same sizes, reads and posts; (b)-(d) on
SQLite and on PostgreSQL (the same data, copied once), and (b) and posts again with Redis.
Each server runs alone on core 0 (uvicorn, one worker); wrk runs on core 1, loopback only.
Results also go to bench/data/results.json. ``--notifications N`` adds (f), the notifications
benchmark (``bench/notifications.py``), opt-in because a run for 100,000 readers is long.
(g) imports a generated 1,000,000-comment Disqus export on each database (``bench/imports.py``;
``--imports N`` for another size, 0 to leave it out).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import asdict
from pathlib import Path

import dataset
import isso_peer
import load
from dataset import DATA, ROOT, SITE
from harness import PIDS, fetch, fetch_as, measure, server
from load import Result

SERVE = [sys.executable, str(ROOT / "bench" / "serve.py")]
PAGE = f"/api/v1/sites/{SITE}/stories/{{}}/comments"
PORTS = iter(range(18_700, 18_800))


def middle_cursor(db: Path) -> str:
    """A cursor halfway down the 100,000-comment story (page cost must not grow with depth)."""
    from datetime import datetime

    from rejoinder.comments.cursor import Cursor, encode, micros
    from rejoinder.kernel.clock import as_utc

    conn = sqlite3.connect(db)
    count = conn.execute(
        "SELECT count(*) FROM comments WHERE story_id = 1 AND parent_id IS NULL"
    ).fetchone()[0]
    created, comment_id = conn.execute(
        "SELECT created_at, id FROM comments WHERE story_id = 1 AND parent_id IS NULL "
        "ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?",
        (count // 2,),
    ).fetchone()
    conn.close()
    moment = as_utc(datetime.fromisoformat(created))
    return encode(Cursor("newest", micros(moment), comment_id))


def class_paths(name: str, count: int) -> list[str]:
    return [PAGE.format(dataset.story_key(name, n)) for n in range(count)]


class Target:
    """A database the benchmarks run on: its URL, and the prefix of its result keys."""

    def __init__(self, name: str, url: str, prefix: str) -> None:
        self.name, self.url, self.prefix = name, url, prefix


def measure_cached(
    target: Target, seconds: float, results: dict[str, Result], *, raw: bool, redis: str | None
) -> None:
    """(a) raw ASGI, (b) the cached first page, anonymous and signed in (median of 3 each)."""
    c = 32
    hot = PAGE.format("mid-0")
    port = next(PORTS)
    extra = ["--redis", redis] if redis else []
    tokens = [dataset.token(n) for n in range(1, 201)]
    where = f"{target.name}{', Redis' if redis else ''}"
    with server([*SERVE, "rejoinder", str(port), target.url, *extra], "/healthz", port) as base:
        fetch(base + hot)
        page = fetch(base + hot)  # the cached bytes
        (DATA / "page.json").write_bytes(page)
        anonymous = load.lua_get("hot", [hot])
        signed_in = load.lua_get("hot-signed-in", [hot], tokens)
        for token in tokens:  # every reader's first read fills the viewer cache
            fetch_as(base + hot, token)
        runs: dict[str, list[Result]] = {"cached": [], "signed_in": []}
        raw_port = next(PORTS)
        raw_args = [*SERVE, "raw", str(raw_port), str(DATA / "page.json")]
        with server(raw_args, "/", raw_port) if raw else nullcontext("") as raw_base:
            if raw:
                runs["raw"] = []
            for _ in range(3):  # interleaved, median kept: the machine is shared and noisy
                if raw:
                    runs["raw"].append(
                        measure(
                            "(a) raw ASGI, same bytes (median of 3)",
                            raw_base,
                            anonymous,
                            seconds=seconds / 2,
                            connections=c,
                        )
                    )
                runs["cached"].append(
                    measure(
                        f"(b) cached first page, anonymous, {where} (median of 3)",
                        base,
                        anonymous,
                        seconds=seconds / 2,
                        connections=c,
                    )
                )
                runs["signed_in"].append(
                    measure(
                        f"(b) cached first page, signed in, {where} (median of 3)",
                        base,
                        signed_in,
                        seconds=seconds / 2,
                        connections=c,
                    )
                )
        for name, found in runs.items():
            key = name if name == "raw" else target.prefix + name
            results[key] = sorted(found, key=lambda r: r.rps)[1]
    print(f"  first page: {len(page):,} bytes")


def measure_uncached(target: Target, db: Path, seconds: float, results: dict[str, Result]) -> None:
    """(c) pages read from the database (cache off), by story size, and one client's latency."""
    c = 32
    port = next(PORTS)
    args = [*SERVE, "rejoinder", str(port), target.url, "--no-cache"]
    with server(args, "/healthz", port) as base:
        middle = PAGE.format("big-0") + "?cursor=" + middle_cursor(db)
        cases = {
            "small": class_paths("small", 1_000),
            "mid": class_paths("mid", 100),
            "big": class_paths("big", 1),
            "big_middle": [middle],
        }
        labels = {
            "small": "10",
            "mid": "1,000",
            "big": "100,000",
            "big_middle": "100,000, page from the middle",
        }
        for name, paths in cases.items():
            fetch(base + paths[0])
            script = load.lua_get(f"uncached-{name}", paths)
            results[f"{target.prefix}uncached_{name}"] = measure(
                f"(c) uncached page, story of {labels[name]}, {target.name}",
                base,
                script,
                seconds=seconds,
                connections=c,
            )
        for name in ("small", "mid", "big"):
            script = load.lua_get(f"uncached-{name}", cases[name])
            results[f"{target.prefix}latency_{name}"] = measure(
                f"(c) one client, story of {labels[name]}, {target.name}",
                base,
                script,
                seconds=max(1, seconds / 2),
                connections=1,
            )


@contextmanager
def writable(target: Target, db: Path) -> Iterator[str]:
    """A throw-away copy of the benchmark database for posts."""
    if target.name == "SQLite":
        copy = DATA / "writes.sqlite3"
        for suffix in ("-wal", "-shm"):  # a stale WAL next to a fresh copy would corrupt it
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(db, copy)
        try:
            yield str(copy)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
        return
    admin = target.url.rsplit("/", 1)[0] + "/postgres"
    name = "rejoinder_bench_writes"
    pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    pg_admin(admin, f'CREATE DATABASE "{name}" TEMPLATE "{dataset.PG_BENCH}"')
    try:
        yield target.url.rsplit("/", 1)[0] + "/" + name
    finally:
        pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_admin(url: str, sql: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


def measure_rejoinder_posts(
    target: Target, db: Path, seconds: float, results: dict[str, Result]
) -> None:
    """Posts on a copy of the database: with the configured moderation pipeline, and with the
    pass-through one (what the comments domain itself costs)."""
    variants = {
        "posts": ([], "(d) Rejoinder posts, moderation pipeline"),
        "posts_pass_through": (["--pass-through"], "(d) Rejoinder posts, pass-through moderation"),
    }
    for key, (flags, label) in variants.items():
        with writable(target, db) as url:
            port = next(PORTS)
            with server([*SERVE, "rejoinder", str(port), url, *flags], "/healthz", port) as base:
                results[target.prefix + key] = rejoinder_posts(
                    f"{label}, {target.name}", base, seconds
                )


def rejoinder_posts(name: str, base: str, seconds: float) -> Result:
    """Posts to the bench story by 500 readers in turn, 16 connections, on a fresh server.

    A fresh server loads its models on the first post (the word lists, the threat phrases,
    both toxicity stages: ~0.5 s of CPU, once per process): a second of posts goes first, so
    a short run measures posting, not start-up."""
    script = load.lua_post(
        "rejoinder-post",
        PAGE.format("mid-0"),
        '{"body":"Bench comment %d on the council budget, ref %d."}',
        [dataset.token(n) for n in range(1, 501)],
    )
    measure("warm-up", base, script, seconds=1, connections=16)
    return measure(name, base, script, seconds=seconds, connections=16)


def isso_reads(name: str, base: str, path: str, seconds: float) -> Result:
    """wrk when Isso answers fast enough to count; else a few timed sequential reads."""
    fetch(base + path)
    started = time.perf_counter()
    fetch(base + path)
    if time.perf_counter() - started < 0.5:
        script = load.lua_get("isso-read", [path])
        return measure(name, base, script, seconds=seconds, connections=4, timeout=60)
    times = []
    before = load.cpu_seconds(PIDS[base])
    for _ in range(3):
        started = time.perf_counter()
        fetch(base + path)
        times.append(time.perf_counter() - started)
    p50 = sorted(times)[1] * 1000
    cpu_us = (load.cpu_seconds(PIDS[base]) - before) / 3 * 1e6
    return Result(name + " (sequential)", 3 / sum(times), p50, max(times) * 1000, 0, 1, cpu_us)


def measure_isso(seconds: float, results: dict[str, Result]) -> None:
    isso_peer.install()
    for name, size in isso_peer.SIZES.items():
        port = next(PORTS)
        with server(isso_peer.command(name, port), "/info", port) as base:
            isso_peer.populate(name)
            thread = isso_peer.uri(name)
            path = f"/?uri={thread}&limit=20&nested_limit=3"
            results[f"isso_{name}"] = isso_reads(
                f"(d) Isso page (20 + 3 replies), thread of {size:,}", base, path, seconds
            )
            if name == "mid":
                results[f"isso_full_{name}"] = isso_reads(
                    f"(d) Isso whole thread of {size:,}", base, f"/?uri={thread}", seconds
                )
                script = load.lua_post(
                    "isso-post",
                    f"/new?uri={thread}",
                    '{"text":"Bench comment %d on the council budget, ref %d.","author":"Bench"}',
                )
                results["isso_posts"] = measure(
                    "(d) Isso posts", base, script, seconds=seconds, connections=4, timeout=60
                )


def ratios(r: dict[str, Result]) -> list[str]:
    """Throughput ratios, and the same on a CPU basis (server CPU per request), which holds
    up better on a shared machine."""

    def both(a: str, b: str) -> str:
        if a not in r or b not in r or not r[b].rps or not r[a].cpu_us:
            return "n/a"
        return f"{r[a].rps / r[b].rps:,.2f}x ({r[b].cpu_us / r[a].cpu_us:,.2f}x CPU)"

    def share(a: str, b: str) -> str:
        if a not in r or b not in r or not r[b].rps or not r[a].cpu_us:
            return "  n/a"
        return f"{r[a].rps / r[b].rps:5.0%} ({r[b].cpu_us / r[a].cpu_us:.0%} CPU basis)"

    lines = [f"  cached first page / raw ASGI:            {share('cached', 'raw')}   target >= 80%"]
    for prefix, name in (("", "SQLite"), ("pg_", "PostgreSQL"), ("redis_", "SQLite + Redis")):
        if f"{prefix}signed_in" in r:
            ratio = share(f"{prefix}signed_in", f"{prefix}cached")
            lines.append(f"  signed in / anonymous cached, {name + ':':16}{ratio}   target >= 30%")
    for prefix, name, target in (("", "SQLite", "2,000"), ("pg_", "PostgreSQL", "1,500")):
        sizes = [k for k in r if k.startswith(f"{prefix}uncached_")]
        if sizes:
            slowest = min(r[k].rps for k in sizes)
            flat = r[f"{prefix}latency_big"].p50_ms / r[f"{prefix}latency_small"].p50_ms
            label = f"  uncached pages/s, slowest size, {name + ':':12}"
            lines.append(f"{label}{slowest:7,.0f}   target >= {target}")
            lines.append(
                f"  one-client p50, 100,000 vs 10, {name + ':':13}{flat:6.2f}x  target <= 2x"
            )
    if "pg_uncached_mid" in r:
        versus = both("pg_uncached_mid", "uncached_mid")
        lines.append(f"  uncached page PostgreSQL / SQLite (1,000): {versus}")
    for prefix, name, target in (("", "SQLite", "800"), ("pg_", "PostgreSQL", "500")):
        if f"{prefix}posts" in r:
            label = f"  posts/s through the pipeline, {name + ':':12}"
            lines.append(f"{label}{r[f'{prefix}posts'].rps:7,.0f}   target >= {target}")
    if "isso_small" in r:
        lines.extend(
            f"  reads vs Isso, thread of {isso_peer.SIZES[size]:>7,}:  "
            f"uncached {both(f'uncached_{size}', f'isso_{size}')}, "
            f"cached {both('cached', f'isso_{size}')}   target >= 100x"
            for size in ("small", "mid", "big")
        )
        lines.append(
            f"  posts vs Isso: {both('posts', 'isso_posts')}; with pass-through moderation "
            f"{both('posts_pass_through', 'isso_posts')}   target >= 5x"
        )
    if "redis_cached" in r:
        lines.append(f"  the Redis hop, cached anonymous page:  {both('redis_cached', 'cached')}")
        lines.append(
            f"  the Redis hop, signed-in page:         {both('redis_signed_in', 'signed_in')}"
        )
    if "redis_posts" in r:
        lines.append(f"  the Redis hop, posts:                  {both('redis_posts', 'posts')}")
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per measurement")
    parser.add_argument("--skip-isso", action="store_true", help="leave the peer out")
    parser.add_argument("--posts-only", action="store_true", help="only Rejoinder's posts (d)")
    parser.add_argument(
        "--cached-only", action="store_true", help="only (a) and (b): raw ASGI, cached pages"
    )
    parser.add_argument("--no-pg", action="store_true", help="leave PostgreSQL out")
    parser.add_argument("--no-redis", action="store_true", help="leave the Redis mode out")
    parser.add_argument("--pg", default=PG_ADMIN, help="a PostgreSQL server's admin URL")
    parser.add_argument("--redis", default=REDIS, help="a Redis URL for the Redis mode")
    parser.add_argument("--live", action="store_true", help="add the live-updates section")
    parser.add_argument("--live-only", action="store_true", help="only the live updates")
    parser.add_argument(
        "--imports",
        type=int,
        default=1_000_000,
        metavar="N",
        help="(g): import a generated Disqus export of N comments, each database, with and "
        "without --defer-indexes (bench/imports.py; 0 leaves it out; --quick: 200,000)",
    )
    parser.add_argument(
        "--notifications",
        type=int,
        default=0,
        metavar="N",
        help="also (f): a digest run for N readers and posts with the notifications consumer "
        "(bench/notifications.py; 100000 takes tens of minutes, so it is opt-in)",
    )
    return parser.parse_args()


def measure_imports(comments: int, args: argparse.Namespace) -> None:
    """(g) imports: bench/imports.py in its own processes (it prints its own lines)."""
    print(f"\n(g) imports of a generated Disqus export, {comments:,} comments\n", flush=True)
    command = [sys.executable, str(ROOT / "bench" / "imports.py"), "--comments", str(comments)]
    command += ["--no-pg"] if args.no_pg else ["--pg", args.pg]
    subprocess.run(command, check=False)


def run_live(args: argparse.Namespace) -> None:
    import live  # bench/live.py: 1,000 and 10,000 SSE streams on one process

    redis = None if args.no_redis or not redis_reachable(args.redis) else args.redis
    live.run_section([1000, 10000], 3 if args.quick else 5, 4, redis)


def measure_all(
    args: argparse.Namespace, targets: list[Target], db: Path, seconds: float
) -> dict[str, Result]:
    """(a)-(d) on every target, then the Redis mode and Isso, as the flags ask."""
    results: dict[str, Result] = {}
    for target in targets:
        measure_cached(target, seconds, results, raw=target is targets[0], redis=None)
        if not args.cached_only:
            measure_uncached(target, db, seconds, results)
            measure_rejoinder_posts(target, db, seconds, results)
    if not args.no_redis and redis_reachable(args.redis):
        redis_mode = Target("SQLite", str(db), "redis_")
        measure_cached(redis_mode, seconds, results, raw=False, redis=args.redis)
        if not args.cached_only:
            measure_redis_posts(redis_mode, db, seconds, results, args.redis)
    if not args.skip_isso and not args.cached_only:
        measure_isso(seconds, results)
    return results


def main() -> None:
    args = parse_args()
    if args.live_only:
        run_live(args)
        return
    seconds = 3.0 if args.quick else 8.0
    load.require_wrk()
    started = time.monotonic()
    db = dataset.ensure()
    targets = [Target("SQLite", str(db), "")]
    if not args.no_pg:
        targets.append(Target("PostgreSQL", dataset.ensure_pg(args.pg), "pg_"))
    if args.posts_only:  # a quick repeat of the posts rows; results.json is left alone
        posts: dict[str, Result] = {}
        for target in targets:
            measure_rejoinder_posts(target, db, seconds, posts)
        for result in posts.values():
            print(result.row())
        return
    results = measure_all(args, targets, db, seconds)
    print("\nRejoinder benchmarks — one server process on core 0, wrk on core 1\n")
    for result in results.values():
        print(result.row())
    print()
    for line in ratios(results):
        print(line)
    if not args.cached_only:
        measure_pipeline()
    if args.notifications:
        measure_notifications(args.notifications, pg=not args.no_pg)
    if args.imports:
        measure_imports(min(args.imports, 200_000) if args.quick else args.imports, args)
    (DATA / "results.json").write_text(
        json.dumps({k: asdict(v) for k, v in results.items()}, indent=2)
    )
    if args.live:
        run_live(args)
    print(f"\n  total {time.monotonic() - started:.0f} s; raw figures in bench/data/results.json")


PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/15"


def redis_reachable(url: str) -> bool:
    import socket
    from urllib.parse import urlparse

    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2):
            return True
    except OSError:
        print(f"  Redis at {url} is not reachable: the Redis mode was skipped")
        return False


def measure_redis_posts(
    target: Target, db: Path, seconds: float, results: dict[str, Result], redis: str
) -> None:
    with writable(target, db) as url:
        port = next(PORTS)
        args = [*SERVE, "rejoinder", str(port), url, "--redis", redis]
        with server(args, "/healthz", port) as base:
            results["redis_posts"] = rejoinder_posts(
                "(d) Rejoinder posts, moderation pipeline, SQLite, Redis", base, seconds
            )


def measure_pipeline() -> None:
    """(e) The moderation pipeline, in its own process pinned like the servers (issue #5)."""
    print("\n(e) Moderation pipeline — one process on core 0, SQLite\n", flush=True)
    script = str(ROOT / "bench" / "pipeline_bench.py")
    subprocess.run(
        ["taskset", "-c", load.SERVER_CPU, sys.executable, script, "--section"], check=True
    )


def measure_notifications(readers: int, *, pg: bool) -> None:
    """(f) Digests into a local SMTP sink, and posting with the consumer running."""
    print(f"\n(f) Notifications — digests for {readers:,} readers, posts with fan-out\n")
    script = str(ROOT / "bench" / "notifications.py")
    databases = "sqlite,postgresql" if pg else "sqlite"
    subprocess.run(
        [sys.executable, script, "--readers", str(readers), "--db", databases], check=True
    )


if __name__ == "__main__":
    main()
