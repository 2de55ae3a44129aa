"""The benchmark database: 1,000,000 comments over 10,000 stories, generated once.

Stories come in size classes so reads can be measured per thread size: one story of 100,000
comments (``big``), 100 of 1,000 (``mid``), 1,000 of 10 (``small``), and 8,899 others sharing
the rest. About a third of the comments are replies. Rows go in with ``sqlite3.executemany``
into a database migrated by Alembic (the real schema), indexes dropped during the load and
rebuilt after. Readers get known access tokens (``bench-token-N``) for the write benchmark.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

DATA = ROOT / "bench" / "data"
DB = DATA / "comments-1m.sqlite3"
SITE = "bench"
READERS = 2_000
TOTAL = 1_000_000
CLASSES = {"big": (1, 100_000), "mid": (100, 1_000), "small": (1_000, 10)}
STORIES = 10_000
START = 1_700_000_000.0  # seconds since the epoch; comments are a few seconds apart
WORDS = [
    "council",
    "library",
    "budget",
    "decision",
    "readers",
    "weekend",
    "article",
    "mayor",
    "vote",
    "street",
    "school",
    "traffic",
    "park",
    "museum",
    "river",
    "bridge",
    "station",
    "tax",
    "health",
    "report",
    "interview",
    "election",
]


def story_key(size_class: str, n: int) -> str:
    return f"{size_class}-{n}"


def story_plan() -> list[tuple[str, int]]:
    """(story_key, comment_count) for every story; the classes first."""
    plan = [
        (story_key(name, n), size) for name, (count, size) in CLASSES.items() for n in range(count)
    ]
    rest = STORIES - len(plan)
    left = TOTAL - sum(size for _, size in plan)
    plan += [(story_key("other", n), left // rest + (n < left % rest)) for n in range(rest)]
    return plan


def token(n: int) -> str:
    return f"bench-token-{n}"


def _stamp(seconds: float) -> str:
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1e6):06d}"
    )


def _body(rng: random.Random) -> tuple[str, str]:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 40))).capitalize() + "."
    return text, f"<p>{text}</p>"


def _comments(plan: list[tuple[str, int]], rng: random.Random) -> Iterator[tuple[object, ...]]:
    comment_id = 0
    clock = START
    for story_id, (_, size) in enumerate(plan, start=1):
        roots: list[int] = []
        replies: dict[int, int] = {}
        rows: list[list[object]] = []
        for _ in range(size):
            comment_id += 1
            clock += rng.random() * 2
            parent = rng.choice(roots) if roots and rng.random() < 0.33 else None
            if parent is None:
                roots.append(comment_id)
            else:
                replies[parent] = replies.get(parent, 0) + 1
            likes = int(rng.paretovariate(1.5)) - 1
            text, html = _body(rng)
            rows.append(
                [
                    comment_id,
                    story_id,
                    parent,
                    0 if parent is None else 1,
                    rng.randint(1, READERS),
                    text,
                    html,
                    "published",
                    0,
                    likes,
                    f'{{"like": {likes}}}' if likes else "{}",
                    _stamp(clock),
                    _stamp(clock),
                ]
            )
        for row in rows:
            row[8] = replies.get(int(row[0]), 0)  # type: ignore[call-overload]
            yield tuple(row)


def generate(path: Path = DB) -> None:
    from rejoinder.storage.migrate import upgrade

    started = time.perf_counter()
    DATA.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    upgrade(f"sqlite:///{partial}")
    rng = random.Random(20261129)
    plan = story_plan()
    conn = sqlite3.connect(partial)
    conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name='comments' "
        "AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    now = _stamp(START)
    conn.executemany(
        "INSERT INTO accounts (id, external_id, plan_id, plan_changed_at, display_name, "
        "display_name_key, display_name_skeleton, created_at, updated_at) "
        "VALUES (?, ?, 'member', ?, ?, ?, ?, ?, ?)",
        (
            (n, f"bench-{n}", now, f"Reader {n}", f"reader {n}", f"reader {n}", now, now)
            for n in range(1, READERS + 1)
        ),
    )
    conn.executemany(
        "INSERT INTO access_tokens (token_hash, account_id, method, created_at, expires_at) "
        "VALUES (?, ?, 'sso', ?, '2100-01-01 00:00:00.000000')",
        ((hashlib.sha256(token(n).encode()).hexdigest(), n, now) for n in range(1, READERS + 1)),
    )
    conn.executemany(
        "INSERT INTO stories (id, site_id, story_key, title, url, comment_count, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (n, SITE, key, f"Story {key}", f"https://bench.test/{key}", size, now, now)
            for n, (key, size) in enumerate(plan, start=1)
        ),
    )
    conn.executemany(
        "INSERT INTO comments (id, story_id, parent_id, depth, account_id, body, body_html, "
        "status, reply_count, reaction_count, reactions, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        _comments(plan, rng),
    )
    for _, sql in indexes:
        conn.execute(sql)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    partial.rename(path)
    print(
        f"  generated {path.name}: {TOTAL:,} comments, {STORIES:,} stories "
        f"in {time.perf_counter() - started:.0f} s"
    )


def ensure() -> Path:
    from rejoinder.storage.migrate import upgrade

    if not DB.exists():
        print("  generating the 1,000,000-comment database (once; bench/data/ is git-ignored)")
        generate()
    upgrade(f"sqlite:///{DB}")  # later migrations add tables; cheap when up to date
    checkpoint(DB)
    return DB


def checkpoint(path: Path) -> None:
    """Fold the WAL back into the file, so that copying the file copies everything."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


if __name__ == "__main__":
    ensure()


PG_BENCH = "rejoinder_bench"


def ensure_pg(admin_url: str) -> str:
    """The same database on PostgreSQL (``rejoinder_bench``), copied from the SQLite one once.

    Rows go in with asyncpg's COPY; times and booleans are converted on the way by column
    type. A marker table says the copy finished, so an interrupted copy is redone.
    """
    import asyncio

    url = admin_url.rsplit("/", 1)[0] + "/" + PG_BENCH
    asyncio.run(_ensure_pg(admin_url, url))
    return url


async def _ensure_pg(admin_url: str, url: str) -> None:
    import asyncpg

    from rejoinder.storage.migrate import upgrade

    admin = await asyncpg.connect(admin_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PG_BENCH)
        if exists:
            conn = await asyncpg.connect(url)
            try:
                done = await conn.fetchval("SELECT to_regclass('bench_loaded') IS NOT NULL")
            finally:
                await conn.close()
            if done:
                await asyncio_to_thread(upgrade, url)
                return
            await admin.execute(f'DROP DATABASE "{PG_BENCH}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{PG_BENCH}"')
    finally:
        await admin.close()
    print("  copying the benchmark database into PostgreSQL (once)", flush=True)
    started = time.perf_counter()
    await asyncio_to_thread(upgrade, url)
    await _copy_rows(url)
    print(f"  copied in {time.perf_counter() - started:.0f} s", flush=True)


async def asyncio_to_thread(fn: object, *args: object) -> object:
    import asyncio

    return await asyncio.to_thread(fn, *args)  # type: ignore[arg-type]


async def _copy_rows(url: str) -> None:
    from datetime import UTC, datetime

    import asyncpg
    from sqlalchemy import Boolean

    from rejoinder.storage.metadata import UtcDateTime
    from rejoinder.tables import metadata

    def converter(column: object) -> object:
        kind = getattr(column, "type", None)
        if isinstance(kind, UtcDateTime):
            return lambda v: None if v is None else datetime.fromisoformat(v).replace(tzinfo=UTC)
        if isinstance(kind, Boolean):
            return lambda v: None if v is None else bool(v)
        return None

    source = sqlite3.connect(DB)
    conn = await asyncpg.connect(url)
    try:
        for name in ("accounts", "access_tokens", "stories", "comments"):
            table = metadata.tables[name]
            columns = [c.name for c in table.columns]
            steps = [(i, f) for i, c in enumerate(table.columns) if (f := converter(c))]
            cursor = source.execute(
                f"SELECT {', '.join(columns)} FROM {name} ORDER BY 1"  # noqa: S608 - our names
            )
            while rows := cursor.fetchmany(50_000):
                records = []
                for row in rows:
                    values = list(row)
                    for i, convert in steps:
                        values[i] = convert(values[i])  # type: ignore[operator]
                    records.append(tuple(values))
                await conn.copy_records_to_table(name, records=records, columns=columns)
            if "id" in columns:
                reset = "SELECT setval(pg_get_serial_sequence($1, 'id'), $2)"
                highest = f"SELECT max(id) FROM {name}"  # noqa: S608 - our own table names
                await conn.execute(reset, name, source.execute(highest).fetchone()[0])
        await conn.execute("ANALYZE")
        await conn.execute("CREATE TABLE bench_loaded (done BOOLEAN)")
    finally:
        await conn.close()
        source.close()
