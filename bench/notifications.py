"""Notifications: a digest run for N readers, and posting while the consumer fans out.

    python bench/notifications.py [--readers 100000] [--replies 1000] [--db sqlite,postgresql]

(1) Digest run: N readers with a daily digest and one pending reply each (seeded in bulk),
the clock moved past their midnight; a separate worker process queues every digest and
sends it over SMTP (aiosmtplib, one connection) to a local aiosmtpd sink that counts what it
accepted. Printed: digests queued per second, mails sent per second (end to end: queueing
and sending), and the worker process's peak memory (its own max RSS). (2) Post latency: one
comment gets ``--replies`` replies through the real write path (``create_comment``, every
moderation phase), with the relay and the notifications consumer running in the same
process, and again without the consumer; p50/p95 per post. SQLite and PostgreSQL (a fresh
database each, 127.0.0.1:5432, trust auth).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test factories

from aiosmtpd.controller import Controller

from rejoinder.app import create_runtime
from rejoinder.kernel.clock import FrozenClock
from rejoinder.settings import (
    CommentSettings,
    DatabaseSettings,
    MailSettings,
    ModerationSettings,
    PlanSettings,
    Settings,
    SiteSettings,
)
from rejoinder.storage.migrate import upgrade

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SECRET = "bench-mail-secret-0123456789-abcdefghij"  # noqa: S105 - a local sink only


class Counter:
    """An SMTP sink that accepts and counts (it parses nothing)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002
        with self.lock:
            self.count += 1
        return "250 OK"


def bench_settings(url: str, smtp: str) -> Settings:
    return Settings(
        database=DatabaseSettings(url=url, pool_size=4),
        comments=CommentSettings(rate_limit_count=10**9, ip_rate_limit_count=10**9),
        moderation=ModerationSettings(velocity_per_hour=10**6, links_new_commenter_threshold=1),
        mail=MailSettings(
            smtp_url=smtp,
            secret=SECRET,
            from_address="Bench <bench@bench.test>",
            batch=200,
            connections=int(os.environ.get("BENCH_SMTP_CONNECTIONS", "4")),
        ),
        plans=[
            PlanSettings(id="free", name="Free"),
            PlanSettings(id="member", name="Member", entitlements=["read", "comment"]),
        ],
        sites=[SiteSettings(id="bench", name="Bench Gazette", allowed_domains=["bench.test"])],
    )


def _pg(sql: str) -> None:
    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(PG_ADMIN)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(go())


def fresh_database(kind: str, folder: str) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{folder}/notify-{uuid.uuid4().hex[:6]}.sqlite3"
    else:
        name = f"rejoinder_bench_notify_{uuid.uuid4().hex[:8]}"
        _pg(f'CREATE DATABASE "{name}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    return url


def drop_database(url: str) -> None:
    if url.startswith("postgresql"):
        _pg(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


# -- (1) the digest run -------------------------------------------------------------------


async def seed_digests(url: str, smtp: str, readers: int) -> None:
    """N readers with a daily digest and one reply waiting each, in bulk (not timed)."""
    from rejoinder.accounts.models import accounts
    from rejoinder.comments.models import comments
    from rejoinder.notifications.models import notification_preferences, notifications
    from rejoinder.stories.models import stories

    runtime = create_runtime(bench_settings(url, smtp), clock=FrozenClock(START))
    now = START
    try:
        async with runtime.db.transaction() as tx:
            await tx.conn.execute(
                stories.insert().values(
                    id=1, site_id="bench", story_key="s", title="Bench story",
                    url="https://bench.test/s", created_at=now, updated_at=now,
                )
            )  # fmt: skip
            await tx.conn.execute(
                accounts.insert().values(
                    id=1, plan_id="member", plan_changed_at=now, display_name="Replier",
                    created_at=now, updated_at=now,
                )
            )  # fmt: skip
            await tx.conn.execute(
                comments.insert().values(
                    id=1, story_id=1, account_id=1, body="b", body_html="<p>b</p>",
                    status="published", created_at=now, updated_at=now,
                )
            )  # fmt: skip
        step = 5000
        for first in range(2, readers + 2, step):
            ids = range(first, min(first + step, readers + 2))
            async with runtime.db.transaction() as tx:
                await tx.conn.execute(
                    accounts.insert(),
                    [
                        {"id": i, "plan_id": "member", "plan_changed_at": now,
                         "email": f"reader{i}@bench.test", "created_at": now, "updated_at": now}
                        for i in ids
                    ],
                )  # fmt: skip
                await tx.conn.execute(
                    notification_preferences.insert(),
                    [{"account_id": i, "email_digest": "daily", "updated_at": now} for i in ids],
                )
                await tx.conn.execute(
                    notifications.insert(),
                    [
                        {"account_id": i, "kind": "reply", "comment_id": 1, "story_id": 1,
                         "actor_id": 1, "event_id": 0, "created_at": now, "digest_pending": True}
                        for i in ids
                    ],
                )  # fmt: skip
    finally:
        await runtime.close()


async def work(url: str, smtp: str) -> dict[str, float]:
    """The worker process: queue every digest due, then send every mail due."""
    from rejoinder.notifications.service import notifier_of

    clock = FrozenClock(START + timedelta(days=1))
    runtime = create_runtime(bench_settings(url, smtp), clock=clock)
    notifier = notifier_of(runtime)
    try:
        began, cpu0 = time.perf_counter(), time.process_time()
        queued = await notifier.digests.run()
        queued_at, cpu1 = time.perf_counter(), time.process_time()
        sent = await notifier.worker.send_due()
        ended, cpu2 = time.perf_counter(), time.process_time()
    finally:
        await runtime.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "queued": queued,
        "sent": sent,
        "queue_seconds": queued_at - began,
        "send_seconds": ended - queued_at,
        "total_seconds": ended - began,
        "peak_rss_mb": usage.ru_maxrss / 1024,
        # CPU of the process (every thread: SQLite's runs on one), per phase.
        "queue_cpu_seconds": cpu1 - cpu0,
        "send_cpu_seconds": cpu2 - cpu1,
    }


def digest_run(kind: str, readers: int, folder: str, worker: str = __file__) -> dict[str, float]:
    """Seed, then one worker process (``worker``: this file, or a baseline checkout's)."""
    sink = Counter()
    from support.ports import free_port

    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    url = fresh_database(kind, folder)
    smtp = f"smtp://127.0.0.1:{port}"
    try:
        asyncio.run(seed_digests(url, smtp, readers))
        sink_cpu = time.process_time()  # this process does nothing else meanwhile
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run(
            [sys.executable, worker, "--worker", url, "--smtp", smtp],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        sink_cpu = time.process_time() - sink_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        controller.stop()
        drop_database(url)
    result["received"] = sink.count
    result["sink_cpu_seconds"] = sink_cpu
    result["worker_cpu_seconds"] = worker_cpu  # the whole process, start-up included
    result["digests_per_second"] = result["queued"] / result["queue_seconds"]
    result["mails_per_second"] = result["sent"] / result["total_seconds"]
    return result


# -- (2) post latency with the consumer running ---------------------------------------------


async def post_latency(url: str, replies: int, *, consumer: bool) -> dict[str, float]:
    from factories import make_story, viewer
    from rejoinder.comments.service import create_comment
    from rejoinder.notifications.service import notifier_of
    from rejoinder.plans.service import sync_subscriber
    from rejoinder.profiles.service import update_profile

    runtime = create_runtime(bench_settings(url, ""))
    notifier = notifier_of(runtime)
    if not consumer:
        runtime.relay._durable.remove(notifier.consumer)  # noqa: SLF001 - the bench's control
    runtime.settings.mail.worker = "off"
    viewers = []
    for n in range(21):
        account = await sync_subscriber(runtime, f"bench-{n}", "member")
        await update_profile(
            runtime, await viewer(runtime, account.account_id), f"Bench {n:04x}", None
        )
        viewers.append(await viewer(runtime, account.account_id))
    story = await make_story(runtime, site="bench", key="fan-out")
    await runtime.start()
    try:
        parent = await create_comment(
            runtime, viewers[0], "bench", story, "The comment everyone answers.", None,
            idempotency_key=None, client="bench",
        )  # fmt: skip
        parent_id = json.loads(parent.body)["comment"]["id"]
        timings = []
        cpu = time.process_time()
        for n in range(replies):
            began = time.perf_counter()
            await create_comment(
                runtime, viewers[1 + n % 20], "bench", story,
                f"Reply number {n}: I see it another way, and here is why ({n}).", parent_id,
                idempotency_key=None, client=f"bench-{n % 20}",
            )  # fmt: skip
            timings.append(time.perf_counter() - began)
        cpu = time.process_time() - cpu
        from sqlalchemy import func, select

        from rejoinder.comments.models import comments
        from rejoinder.notifications.models import notifications

        async def count(query: Any) -> int:
            async with runtime.db.read() as conn:
                return int((await conn.execute(query)).scalar() or 0)

        # Replies the pipeline held are not notified (until approved): count the published.
        published = await count(
            select(func.count())
            .select_from(comments)
            .where(comments.c.parent_id == parent_id, comments.c.status == "published")
        )
        made = 0
        if consumer:  # wait for the fan-out to finish, and count it
            for _ in range(600):
                made = await count(select(func.count()).select_from(notifications))
                if made >= published:
                    break
                await asyncio.sleep(0.1)
    finally:
        await runtime.close()
    timings.sort()
    return {
        "p50_ms": statistics.median(timings) * 1000,
        "p95_ms": timings[int(len(timings) * 0.95)] * 1000,
        # The process's CPU while posting (the consumer's share included, when it runs).
        "cpu_ms": cpu * 1000 / len(timings),
        "notifications": made,
        "published": published,
    }


def describe(kind: str, readers: int, digest: dict[str, float], suffix: str) -> str:
    def ms(seconds: float, count: float) -> str:
        return f"{1000 * seconds / max(count, 1):.2f} ms"

    phases = (
        f" (queue {ms(digest['queue_cpu_seconds'], digest['queued'])}, "
        f"send {ms(digest['send_cpu_seconds'], digest['sent'])})"
        if "send_cpu_seconds" in digest  # a baseline's worker may not say
        else ""
    )
    return (
        f"{kind:10} digests for {readers:,} readers{suffix}: "
        f"{digest['digests_per_second']:,.0f} queued/s, "
        f"{digest['mails_per_second']:,.0f} mails/s end to end "
        f"({digest['received']:,} received) in {digest['total_seconds']:.0f} s; worker CPU "
        f"{ms(digest['worker_cpu_seconds'], digest['sent'])} a mail, start-up included"
        f"{phases}, sink {ms(digest['sink_cpu_seconds'], digest['received'])}; "
        f"worker peak RSS {digest['peak_rss_mb']:.0f} MB"
    )


def profile(args: argparse.Namespace) -> None:
    import cProfile

    from support.ports import free_port

    port = free_port()
    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as folder:
        url = fresh_database(args.db.split(",")[0], folder)
        smtp = f"smtp://127.0.0.1:{port}"
        try:
            asyncio.run(seed_digests(url, smtp, args.readers))
            cProfile.runctx("asyncio.run(work(url, smtp))", globals(), locals(), args.profile)
        finally:
            controller.stop()
            drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--skip-posts", action="store_true")
    parser.add_argument("--skip-digests", action="store_true")
    parser.add_argument(
        "--connections",
        type=int,
        default=4,
        help="the worker's SMTP connections (mail.connections)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="post-latency rounds, without and with, alternated"
    )
    parser.add_argument(
        "--baseline",
        help="a checkout of the code to compare with (e.g. `git archive main`): its digest "
        "worker runs on the same data, before ours, in the same run",
    )
    parser.add_argument("--profile", help="cProfile one worker run into this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--smtp", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ["BENCH_SMTP_CONNECTIONS"] = str(args.connections)  # the worker process's too
    if args.worker:
        print(json.dumps(asyncio.run(work(args.worker, args.smtp))))
        return
    if args.profile:  # seed, then profile the worker in this process (no subprocess)
        profile(args)
        return
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for kind in args.db.split(","):
            if not args.skip_digests:
                workers = {"": __file__}
                if args.baseline:
                    workers = {".baseline": str(Path(args.baseline) / "bench" / "notifications.py")}
                    workers[""] = __file__
                for suffix, script in workers.items():
                    digest = digest_run(kind, args.readers, folder, script)
                    results[f"{kind}.digest{suffix}"] = digest
                    print(describe(kind, args.readers, digest, suffix), flush=True)
            if args.skip_posts:
                continue
            for round_ in range(args.rounds):
                for consumer in (False, True):
                    url = fresh_database(kind, folder)
                    try:
                        posts = asyncio.run(post_latency(url, args.replies, consumer=consumer))
                    finally:
                        drop_database(url)
                    label = "with" if consumer else "without"
                    results[f"{kind}.posts.{label}_consumer.{round_}"] = posts
                    print(
                        f"{kind:10} round {round_ + 1}: {args.replies:,} replies to one comment, "
                        f"{label} the consumer: p50 {posts['p50_ms']:.1f} ms, "
                        f"p95 {posts['p95_ms']:.1f} ms, CPU {posts['cpu_ms']:.1f} ms a post"
                        + (
                            f" ({posts['notifications']:,} notifications made for "
                            f"{posts['published']:,} published replies)"
                            if consumer
                            else ""
                        ),
                        flush=True,
                    )
    out = Path(__file__).with_name("data") / "notifications.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
