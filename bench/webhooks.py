"""Webhook deliveries per second to a local receiver, on SQLite and PostgreSQL.

    python bench/webhooks.py [--pg URL] [--events N] [--endpoints 1,16]

A fresh migrated database per run. ``N`` events (``story.created``) are written to the log;
the durable consumer turns them into deliveries (fan-out, timed apart); then the delivery
worker, exactly as it runs in a serving process (claims with a lease, signs with
``standardwebhooks``, resolves and checks the address, connects to it, records each
outcome in its own transaction), drains them to a receiver in another process: a minimal
keep-alive HTTP/1.1 server on loopback answering 204 (it does not verify, so that the
figure is the sender's). With one endpoint deliveries are strictly serial (order per
endpoint: one in flight); with several they run concurrently (``[webhooks] concurrency``).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


async def _serve(port_out: Any) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port_out.put(server.sockets[0].getsockname()[1])
    async with server:
        await server.serve_forever()


def receiver(port_out: Any) -> None:
    asyncio.run(_serve(port_out))


async def measure(url: str, port: int, events: int, endpoints: int) -> dict[str, float]:
    from sqlalchemy import func, select

    from rejoinder.app import create_runtime
    from rejoinder.events.catalogue import StoryCreated
    from rejoinder.settings import DatabaseSettings, Settings, WebhookSettings
    from rejoinder.webhooks.models import webhook_deliveries
    from rejoinder.webhooks.schemas import WebhookCreate
    from rejoinder.webhooks.service import create_endpoint

    settings = Settings(
        database=DatabaseSettings(url=url, pool_size=4),
        webhooks=WebhookSettings(allow_networks=["127.0.0.0/8"]),
    )
    runtime = create_runtime(settings)
    hooks = runtime.webhooks
    assert hooks is not None
    try:
        await hooks.register()
        for _ in range(endpoints):
            data = WebhookCreate(url=f"http://127.0.0.1:{port}/hook", events=["story.created"])
            await create_endpoint(runtime, data)
        for start in range(0, events, 500):
            async with runtime.db.transaction() as tx:
                for n in range(start, min(start + 500, events)):
                    tx.emit(StoryCreated(story_id=n + 1, site_id="bench", story_key=f"s{n}"))
        started = time.perf_counter()
        while await runtime.relay.run_durable(hooks.consumer):
            pass
        fanout = time.perf_counter() - started
        count = select(func.count()).where(webhook_deliveries.c.status == "delivered")
        started = time.perf_counter()
        await hooks.start()  # the serving process's loop
        delivered = 0
        while delivered < events * endpoints and time.perf_counter() - started < 600:
            await asyncio.sleep(0.05)
            async with runtime.db.read() as conn:
                delivered = (await conn.execute(count)).scalar_one()
        elapsed = time.perf_counter() - started
        assert delivered == events * endpoints, (delivered, events * endpoints)
        return {
            "deliveries": float(delivered),
            "fanout_per_s": delivered / fanout,
            "delivered_per_s": delivered / elapsed,
        }
    finally:
        await runtime.close()


def _sqlite(tmp: Path) -> str:
    from rejoinder.storage.migrate import upgrade

    path = tmp / f"hooks-{uuid.uuid4().hex[:8]}.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


def _pg(admin_url: str) -> tuple[str, str]:
    import asyncpg

    from rejoinder.storage.migrate import upgrade

    name = f"rejoinder_bench_hooks_{uuid.uuid4().hex[:8]}"

    async def run(sql: str) -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    upgrade(url)
    return url, name


def _drop_pg(admin_url: str, name: str) -> None:
    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default="", help="a PostgreSQL admin URL (else SQLite only)")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--endpoints", default="1,16")
    args = parser.parse_args()
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(target=receiver, args=(ports,), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    counts = [int(n) for n in args.endpoints.split(",")]
    print(f"{'database':<11} {'endpoints':>9} {'deliveries':>10} {'fan-out/s':>10} {'sent/s':>8}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for endpoints in counts:
                events = max(args.events // endpoints, 50)
                runs = [("sqlite", _sqlite(Path(tmp)), None)]
                if args.pg:
                    pg_url, name = _pg(args.pg)
                    runs.append(("postgresql", pg_url, name))
                for label, url, name in runs:
                    try:
                        got = asyncio.run(measure(url, port, events, endpoints))
                    finally:
                        if name is not None:
                            _drop_pg(args.pg, name)
                    print(
                        f"{label:<11} {endpoints:>9} {int(got['deliveries']):>10} "
                        f"{got['fanout_per_s']:>10.0f} {got['delivered_per_s']:>8.0f}"
                    )
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
