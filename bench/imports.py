"""Import speed and memory: a generated Disqus export of N comments, on SQLite and PostgreSQL.

    python bench/imports.py [--comments N] [--pg URL] [--no-pg] [--keep FILE] [--modes M,...]

Writes the export to a temporary file (threads first, then posts: 1 in 5 a reply, often to a
parent further down the file's order, 1 in 100 spam, 1 in 200 deleted), then imports it with
``--create-stories`` into a fresh database of each kind, each import in its own process so
that its peak RSS (``ru_maxrss``) is the import's alone, in each mode: ``online`` (the
default import, indexes kept up to date as rows go in) and ``deferred`` (``--defer-indexes``:
the comments' indexes dropped and rebuilt at the end, included in the time). Prints
comments/s (wall and per CPU second of the importing process) and peak MB. ``make bench``
runs it (``bench/run.py --imports N``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SITE = "bench"
WORDS = [
    "the",
    "council",
    "voted",
    "again",
    "on",
    "the",
    "budget",
    "while",
    "readers",
    "asked",
    "why",
    "the",
    "bridge",
    "is",
    "still",
    "closed",
    "and",
    "whether",
    "the",
    "mayor",
    "will",
    "answer",
    "questions",
    "about",
    "the",
    "school",
    "and",
    "the",
    "new",
    "tram",
    "line",
]


def generate(path: Path, comments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    threads = max(1, comments // 50)
    authors = max(1, comments // 20)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for t in range(threads):
            out.write(
                f'<thread dsq:id="t{t}"><id>article-{t}</id>'
                f"<link>https://bench.test/{2000 + t % 20}/article-{t}/</link>"
                f"<title>Article {t}</title><createdAt>2019-01-01T00:00:00Z</createdAt>"
                "<isClosed>false</isClosed><isDeleted>false</isDeleted></thread>\n"
            )
        for p in range(comments):
            thread = rng.randrange(threads)
            parent = ""
            if p > 10 and rng.random() < 0.2:
                # A reply: to an earlier post (a parent that may sit in another batch), and now
                # and then to one that comes later in the file.
                target = p - rng.randrange(1, min(p, 5000)) if rng.random() < 0.95 else p + 3
                parent = f'<parent dsq:id="{target}"/>'
            author = rng.randrange(authors)
            text = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 60)))
            out.write(
                f'<post dsq:id="{p}"><id/><message><![CDATA[<p>{text}</p>]]></message>'
                f"<createdAt>2019-{1 + p % 12:02d}-{1 + p % 28:02d}T12:00:00Z</createdAt>"
                f"<isDeleted>{'true' if p % 200 == 0 else 'false'}</isDeleted>"
                f"<isSpam>{'true' if p % 100 == 1 else 'false'}</isSpam>"
                f"<author><email>reader{author}@bench.test</email><name>Reader {author}</name>"
                f"<isAnonymous>false</isAnonymous><username>reader{author}</username></author>"
                f'<thread dsq:id="t{thread}"/>{parent}</post>\n'
            )
        out.write("</disqus>\n")


def usage() -> resource.struct_rusage:
    return resource.getrusage(resource.RUSAGE_SELF)


def run_one(path: str, url: str, mode: str) -> None:
    """In the child process: migrate, import, print the figures as JSON. The runtime is the
    one ``rejoinder import`` builds (``create_command_runtime``)."""
    from rejoinder.commands import create_command_runtime
    from rejoinder.imports.service import Options, import_file
    from rejoinder.settings import DatabaseSettings, Settings, SiteSettings
    from rejoinder.storage.migrate import upgrade

    upgrade(url)
    settings = Settings(
        database=DatabaseSettings(url=url, pool_size=4),
        sites=[SiteSettings(id=SITE, name="Bench Gazette", allowed_domains=["bench.test"])],
    )

    async def main() -> dict[str, object]:
        runtime = create_command_runtime(settings)
        cpu_before = usage().ru_utime + usage().ru_stime
        try:
            started = time.perf_counter()
            report = await import_file(
                runtime.db,
                settings,
                runtime.names,
                runtime.clock,
                Options(
                    format="disqus",
                    path=path,
                    site=SITE,
                    create_stories=True,
                    defer_indexes=mode == "deferred",
                ),
            )
            seconds = time.perf_counter() - started
        finally:
            await runtime.close()
        assert report.ok, report.text()
        return {
            "read": report.comments_seen,
            "imported": report.imported,
            "seconds": round(seconds, 1),
            "per_second": round(report.comments_seen / seconds),
            "peak_mb": round(usage().ru_maxrss / 1024),
            "cpu_seconds": round(usage().ru_utime + usage().ru_stime - cpu_before, 1),
            "orphans": report.orphan_count,
            "tombstones": report.tombstones,
            "indexes_seconds": round(report.indexes_seconds or 0, 1),
        }

    print(json.dumps(asyncio.run(main())))


def _pg_database(admin_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"rejoinder_bench_imports_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return name, admin_url.rsplit("/", 1)[0] + "/" + name


def _drop(admin_url: str, name: str) -> None:
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


def _measure(args: argparse.Namespace, export: Path, label: str, mode: str, tmp: str) -> None:
    pg_name = None
    if label == "sqlite":
        url = f"sqlite:///{tmp}/bench-{mode}.sqlite3"
    else:
        pg_name, url = _pg_database(args.pg)
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--run", str(export), url, mode],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        per_cpu = round(figures["read"] / max(figures["cpu_seconds"], 0.1))
        rebuilt = f", indexes rebuilt in {figures['indexes_seconds']} s" if mode != "online" else ""
        print(
            f"{label:<10} {mode:<8} {figures['read']:,} comments read, {figures['imported']:,} "
            f"imported in {figures['seconds']} s{rebuilt}: {figures['per_second']:,} comments/s "
            f"(wall), {per_cpu:,} per CPU second of the importing process "
            f"({figures['cpu_seconds']} s CPU), peak RSS {figures['peak_mb']} MB; "
            f"load average {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    except subprocess.CalledProcessError as error:
        print(f"{label} {mode}: failed\n{error.stderr[-3000:]}", flush=True)
    finally:
        if label == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{tmp}/bench-{mode}.sqlite3{suffix}").unlink(missing_ok=True)
        if pg_name is not None:
            _drop(args.pg, pg_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", help="write the export here (and keep it)")
    parser.add_argument("--modes", default="online,deferred", help="online, deferred or both")
    parser.add_argument("--run", nargs=3, metavar=("FILE", "URL", "MODE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_one(*args.run)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(args.keep or Path(tmp) / "disqus.xml")
        started = time.perf_counter()
        generate(export, args.comments)
        size = export.stat().st_size
        print(
            f"generated {args.comments:,} comments ({size / 1e6:.0f} MB) in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
        for mode in modes:
            for label in ("sqlite", "postgresql"):
                if (label == "sqlite" and args.no_sqlite) or (label == "postgresql" and args.no_pg):
                    continue
                _measure(args, export, label, mode, tmp)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
