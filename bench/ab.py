"""Before and after, side by side: this checkout against another one, measured in turns.

    python bench/ab.py cached OTHER_TREE [--seconds 4] [--rounds 5]
    python bench/ab.py uncached OTHER_TREE [--seconds 3] [--rounds 3]

``OTHER_TREE`` is another checkout of Rejoinder (``git worktree add ../before <commit>``)
whose ``bench/data`` is this one's (``ln -s "$PWD/bench/data" ../before/bench/data``).
``cached``: the raw ASGI app, the other tree and this one, one after another in each round, on
the cached anonymous first page (as ``run.py``'s (a) and (b)); ``uncached``: the two trees on
uncached pages of 1,000-comment stories and on the middle of the 100,000-comment one (as (c)).
Each server runs alone on core 0, wrk on core 1. The machine this was written on changes speed
from minute to minute, so a figure is only compared with the one measured beside it; medians
of the rounds are printed last.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

import dataset
import load
import run
from dataset import DATA
from harness import fetch, measure, server
from load import Result

HERE = Path(__file__).resolve().parents[1]


def serve(tree: Path, port: int, *extra: str) -> list[str]:
    return [sys.executable, str(tree / "bench" / "serve.py"), "rejoinder", str(port), *extra]


def rounds(
    servers: dict[str, str], script: Path, seconds: float, count: int
) -> dict[str, list[Result]]:
    found: dict[str, list[Result]] = {name: [] for name in servers}
    for _ in range(count):
        row = []
        for name, base in servers.items():
            result = measure(name, base, script, seconds=seconds, connections=32)
            found[name].append(result)
            row.append(f"{name} {result.rps:7,.0f}/s {result.cpu_us:6.1f} µs CPU")
        print("  " + " | ".join(row), flush=True)
    return found


def medians(found: dict[str, list[Result]], reference: str) -> None:
    base = statistics.median(r.rps for r in found[reference])
    for name, results in found.items():
        rps = statistics.median(r.rps for r in results)
        cpu = statistics.median(r.cpu_us for r in results)
        share = f"{rps / base:.0%} of {reference}"
        print(f"  median {name:7} {rps:7,.0f}/s {cpu:6.1f} µs CPU  ({share})")


def cached(other: Path, seconds: float, count: int) -> None:
    db = str(dataset.ensure())
    hot = run.PAGE.format("mid-0")
    script = load.lua_get("hot", [hot])
    with ExitStack() as stack:
        before = stack.enter_context(server(serve(other, 18_881, db), "/healthz", 18_881))
        after = stack.enter_context(server(serve(HERE, 18_882, db), "/healthz", 18_882))
        fetch(before + hot)
        page = fetch(after + hot)
        (DATA / "page.json").write_bytes(page)
        raw_args = [*run.SERVE, "raw", "18883", str(DATA / "page.json")]
        raw = stack.enter_context(server(raw_args, "/", 18_883))
        print(f"cached first page ({len(page):,} bytes), anonymous, SQLite")
        found = rounds({"raw": raw, "before": before, "after": after}, script, seconds, count)
    medians(found, "raw")


def uncached(other: Path, seconds: float, count: int) -> None:
    db = dataset.ensure()
    cases = {
        "1,000": run.class_paths("mid", 100),
        "middle of 100,000": [run.PAGE.format("big-0") + "?cursor=" + run.middle_cursor(db)],
    }
    with ExitStack() as stack:
        args = (str(db), "--no-cache")
        before = stack.enter_context(server(serve(other, 18_884, *args), "/healthz", 18_884))
        after = stack.enter_context(server(serve(HERE, 18_885, *args), "/healthz", 18_885))
        for label, paths in cases.items():
            fetch(before + paths[0])
            fetch(after + paths[0])
            print(f"uncached pages, story of {label}, SQLite")
            script = load.lua_get(f"uncached-ab-{len(paths)}", paths)
            medians(rounds({"before": before, "after": after}, script, seconds, count), "before")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["cached", "uncached"])
    parser.add_argument("other", type=Path, help="the other checkout (the 'before')")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--rounds", type=int, default=None)
    args = parser.parse_args()
    load.require_wrk()
    if args.what == "cached":
        cached(args.other.resolve(), args.seconds or 4, args.rounds or 5)
    else:
        uncached(args.other.resolve(), args.seconds or 3, args.rounds or 3)


if __name__ == "__main__":
    main()
