"""Rejoinder's benchmarks, side by side in one run (PRODUCT.md §5), with the ratios.

    make bench                 # or: python bench/run.py [--quick] [--skip-isso] [--posts-only]

(a) a raw ASGI app returning the same bytes as a cached first page, (b) Rejoinder's cached first
page, (c) uncached first pages from a 1,000,000-comment SQLite database at story sizes 10, 1,000
and 100,000 (and a page from the middle of the largest story), (d) Isso 0.14 on threads of the
same sizes, reads and posts, and Rejoinder's posts. Each server runs alone on core 0 (uvicorn,
one worker); wrk runs on core 1, loopback only. Results also go to bench/data/results.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import dataset
import isso_peer
import load
from dataset import DATA, ROOT, SITE
from harness import PIDS, fetch, measure, server
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


def measure_rejoinder(db: Path, seconds: float, results: dict[str, Result]) -> None:
    c = 32
    hot = PAGE.format("mid-0")
    port = next(PORTS)
    with server([*SERVE, "rejoinder", str(port), str(db)], "/healthz", port) as base:
        fetch(base + hot)
        page = fetch(base + hot)  # the cached bytes
        (DATA / "page.json").write_bytes(page)
        raw_port = next(PORTS)
        with server([*SERVE, "raw", str(raw_port), str(DATA / "page.json")], "/", raw_port) as raw:
            script = load.lua_get("hot", [hot])
            runs: dict[str, list[Result]] = {"raw": [], "cached": []}
            for _ in range(3):  # interleaved, median kept: the machine is shared and noisy
                runs["raw"].append(
                    measure(
                        "(a) raw ASGI, same bytes (median of 3)",
                        raw,
                        script,
                        seconds=seconds / 2,
                        connections=c,
                    )
                )
                runs["cached"].append(
                    measure(
                        "(b) Rejoinder cached first page (median of 3)",
                        base,
                        script,
                        seconds=seconds / 2,
                        connections=c,
                    )
                )
            for name, found in runs.items():
                results[name] = sorted(found, key=lambda r: r.rps)[1]
    print(f"  first page: {len(page):,} bytes")
    port = next(PORTS)
    with server([*SERVE, "rejoinder", str(port), str(db), "--no-cache"], "/healthz", port) as base:
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
            results[f"uncached_{name}"] = measure(
                f"(c) uncached page, story of {labels[name]}",
                base,
                script,
                seconds=seconds,
                connections=c,
            )
        for name in ("small", "mid", "big"):
            script = load.lua_get(f"uncached-{name}", cases[name])
            results[f"latency_{name}"] = measure(
                f"(c) one client, story of {labels[name]}",
                base,
                script,
                seconds=max(1, seconds / 2),
                connections=1,
            )


def measure_rejoinder_posts(db: Path, seconds: float, results: dict[str, Result]) -> None:
    """Posts on a copy of the database: with the configured moderation pipeline, and with the
    pass-through one (what the comments domain itself costs)."""
    copy = DATA / "writes.sqlite3"
    variants = {
        "posts": ([], "(d) Rejoinder posts, moderation pipeline"),
        "posts_pass_through": (["--pass-through"], "(d) Rejoinder posts, pass-through moderation"),
    }
    for key, (flags, label) in variants.items():
        for suffix in ("-wal", "-shm"):  # a stale WAL next to a fresh copy would corrupt it
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(db, copy)
        port = next(PORTS)
        try:
            with server(
                [*SERVE, "rejoinder", str(port), str(copy), *flags], "/healthz", port
            ) as base:
                tokens = [dataset.token(n) for n in range(1, 501)]
                script = load.lua_post(
                    "rejoinder-post",
                    PAGE.format("mid-0"),
                    '{"body":"Bench comment %d on the council budget, ref %d."}',
                    tokens,
                )
                results[key] = measure(label, base, script, seconds=seconds, connections=16)
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)


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
        if a not in r or b not in r or not r[b].rps:
            return "n/a"
        return f"{r[a].rps / r[b].rps:,.1f}x ({r[b].cpu_us / r[a].cpu_us:,.1f}x CPU)"

    slowest = min(r[k].rps for k in r if k.startswith("uncached_"))
    flat = r["latency_big"].p50_ms / r["latency_small"].p50_ms
    cached = r["cached"].rps / r["raw"].rps
    cached_cpu = r["raw"].cpu_us / r["cached"].cpu_us
    lines = [
        (
            f"  cached first page / raw ASGI:           {cached:5.0%} ({cached_cpu:.0%} CPU basis)"
            "   target >= 70%"
        ),
        f"  uncached pages/s, slowest size:         {slowest:6,.0f}   target >= 1,500",
        f"  one-client p50, 100,000 vs 10 comments: {flat:6.2f}x  target <= 2x",
    ]
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
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 s per measurement")
    parser.add_argument("--skip-isso", action="store_true", help="leave the peer out")
    parser.add_argument("--posts-only", action="store_true", help="only Rejoinder's posts (d)")
    args = parser.parse_args()
    seconds = 3.0 if args.quick else 8.0
    load.require_wrk()
    started = time.monotonic()
    db = dataset.ensure()
    results: dict[str, Result] = {}
    if args.posts_only:  # a quick repeat of the posts rows; results.json is left alone
        measure_rejoinder_posts(db, seconds, results)
        for result in results.values():
            print(result.row())
        return
    measure_rejoinder(db, seconds, results)
    measure_rejoinder_posts(db, seconds, results)
    if not args.skip_isso:
        measure_isso(seconds, results)
    print("\nRejoinder benchmarks — one server process on core 0, wrk on core 1\n")
    for result in results.values():
        print(result.row())
    print()
    if not args.skip_isso:
        for line in ratios(results):
            print(line)
    measure_pipeline()
    (DATA / "results.json").write_text(
        json.dumps({k: asdict(v) for k, v in results.items()}, indent=2)
    )
    print(f"\n  total {time.monotonic() - started:.0f} s; raw figures in bench/data/results.json")


def measure_pipeline() -> None:
    """(e) The moderation pipeline, in its own process pinned like the servers (issue #5)."""
    print("\n(e) Moderation pipeline — one process on core 0, SQLite\n", flush=True)
    script = str(ROOT / "bench" / "pipeline_bench.py")
    subprocess.run(
        ["taskset", "-c", load.SERVER_CPU, sys.executable, script, "--section"], check=True
    )


if __name__ == "__main__":
    main()
