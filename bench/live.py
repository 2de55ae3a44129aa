"""Live updates: N open SSE connections on one server process, one new comment to all of them.

python bench/live.py                                  # 1,000 and 10,000 connections
python bench/live.py --connections 2000 --rounds 3    # any count
python bench/live.py --redis redis://127.0.0.1:6379/15   # also: posted on A, read on B

Measures, per count: the delivery latency of each ``comment.created`` frame (from just before
the POST is sent to its arrival on each connection: p50, p99, max) and the server's resident
memory per idle connection (RSS with every stream open and idle, minus RSS before, divided by
N). The load generator is a real SSE client of our own (raw asyncio protocols, several client
processes on the other core), each connection from one of several 127.0.0.x addresses so a
single source address never runs out of ports. The open-file limit is raised here
(``resource.setrlimit``), in the server and in the clients: each connection is a descriptor.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

STORY = "live-bench"
MARK = b"event: comment.created"
SOURCES = [f"127.0.0.{n}" for n in range(2, 18)]  # 16 source addresses, ~28k ports each


def raise_open_files() -> int:
    """Soft limit up to the hard one: 10,000 streams need 10,000 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --- set-up: a database with one story and one reader who posts ---------------------------------


def prepare(db: Path) -> str:
    """Migrate, then the story and a reader through the real actions; returns the token."""
    from rejoinder.accounts.queries import viewer_for_account
    from rejoinder.accounts.service import issue_token_for
    from rejoinder.plans.service import sync_subscriber
    from rejoinder.profiles.service import update_profile
    from rejoinder.storage.migrate import upgrade
    from rejoinder.stories.schemas import StoryUpsert
    from rejoinder.stories.service import upsert_story
    from serve import rejoinder_app

    upgrade(f"sqlite:///{db}")
    app = rejoinder_app(str(db), cache=False, pass_through=True)
    runtime = app.state.runtime

    async def run() -> str:
        site = runtime.settings.site("bench")
        story = StoryUpsert(title="Live bench", url=f"https://bench.test/{STORY}")
        await upsert_story(runtime, site, STORY, story)
        account = await sync_subscriber(runtime, "live-bench-poster", "member")
        grant = await issue_token_for(runtime, account.account_id, "sso")
        async with runtime.db.read() as conn:
            me = await viewer_for_account(conn, account.account_id, runtime.settings)
        assert me is not None
        await update_profile(runtime, me, "Live Bench Poster", None)
        await runtime.close()
        return grant.access_token

    return asyncio.run(run())


def serve(port: int, db: str, redis: str | None) -> None:
    """The server under test (its own process): the limit raised, gc frozen after start-up."""
    import gc

    import uvicorn

    from serve import rejoinder_app, server_options

    raise_open_files()
    app = rejoinder_app(db, cache=False, pass_through=True, redis=redis)
    gc.collect()
    gc.freeze()  # start-up objects never need collecting (STACK.md: GC pauses)
    if os.environ.get("LIVE_BENCH_TRACEMALLOC"):  # where idle streams' memory goes
        trace_on_signal(Path(os.environ["LIVE_BENCH_TRACEMALLOC"]))
    options = server_options()
    if os.environ.get("LIVE_BENCH_STACK") == "plain":  # what `pip install rejoinder` gets
        options.update(loop="asyncio", http="h11")
    uvicorn.run(app, host="127.0.0.1", port=port, backlog=4096, **options)


def trace_on_signal(out: Path) -> None:
    """SIGUSR1 writes the allocation sites grown since start-up to ``out``."""
    import signal
    import tracemalloc

    tracemalloc.start(8)
    first = tracemalloc.take_snapshot()

    def dump(*_: Any) -> None:
        grown = tracemalloc.take_snapshot().compare_to(first, "traceback")
        out.write_text(
            "\n\n".join("\n".join(stat.traceback.format()) + f"\n{stat}" for stat in grown[:25])
        )

    signal.signal(signal.SIGUSR1, dump)


# --- the load generator: one process holds many connections ------------------------------------


class Sse(asyncio.Protocol):
    """One SSE connection: sends the request, counts ``comment.created`` frames as they come."""

    def __init__(self, request: bytes, arrivals: list[list[float]], opened: asyncio.Future[None]):
        self.request = request
        self.arrivals = arrivals  # arrivals[round] gets one time per connection
        self.opened = opened
        self.tail = b""
        self.seen = 0

    def connection_made(self, transport: Any) -> None:
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if not self.opened.done() and b" 200 " in data[:16]:
            self.opened.set_result(None)
        buffer = self.tail + data
        for _ in range(buffer.count(MARK)):
            if self.seen < len(self.arrivals):
                self.arrivals[self.seen].append(now)
            self.seen += 1
        self.tail = buffer[-(len(MARK) - 1) :]

    def connection_lost(self, exc: Exception | None) -> None:  # noqa: ARG002 - asyncio's signature
        if not self.opened.done():
            self.opened.set_exception(ConnectionError("closed before the stream started"))


def client(pipe: Connection, port: int, count: int, offset: int, rounds: int) -> None:
    """One client process. On uvloop when it is installed (``make bench`` installs it) and
    ``LIVE_BENCH_CLIENT_LOOP`` is not ``asyncio``: with asyncio's own loop these clients spend
    more CPU receiving one comment on 10,000 streams (~300 ms on one core, here) than the
    server spends sending it, and the latency measured would be theirs."""
    raise_open_files()
    main = _client(pipe, port, count, offset, rounds)
    if os.environ.get("LIVE_BENCH_CLIENT_LOOP") != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            uvloop.run(main)
            return
    asyncio.run(main)


async def _client(pipe: Connection, port: int, count: int, offset: int, rounds: int) -> None:
    loop = asyncio.get_running_loop()
    request = (
        f"GET /api/v1/sites/bench/stories/{STORY}/live HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    arrivals: list[list[float]] = [[] for _ in range(rounds)]
    transports = []
    for start in range(0, count, 200):  # in waves, so the accept queue never overflows
        wave = []
        for i in range(start, min(count, start + 200)):
            opened: asyncio.Future[None] = loop.create_future()
            source = SOURCES[(offset + i) % len(SOURCES)]
            transport, _ = await loop.create_connection(
                lambda o=opened: Sse(request, arrivals, o),  # type: ignore[misc]
                "127.0.0.1",
                port,
                local_addr=(source, 0),
            )
            transports.append(transport)
            wave.append(opened)
        await asyncio.wait_for(asyncio.gather(*wave), timeout=60)
    pipe.send("open")
    for number in range(rounds):
        deadline = await loop.run_in_executor(None, pipe.recv)
        used = os.times()
        while len(arrivals[number]) < count and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        done = os.times()
        cpu = (done.user - used.user + done.system - used.system) * 1000
        pipe.send((arrivals[number], cpu))
    await loop.run_in_executor(None, pipe.recv)  # done
    for transport in transports:
        transport.close()


# --- the coordinator ---------------------------------------------------------------------------


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def cpu_ms(pid: int) -> tuple[float, float]:
    """User and system CPU time the process has used (``/proc/PID/stat``), in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    return int(fields[11]) * tick, int(fields[12]) * tick


def wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def post(base: str, token: str, body: str) -> None:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{base}/api/v1/sites/bench/stories/{STORY}/comments",
        data=json.dumps({"body": body}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        response.read()


def start_server(port: int, db: Path, redis: str | None) -> subprocess.Popen[bytes]:
    args = [sys.executable, __file__, "serve", str(port), str(db)]
    if redis:
        args += ["--redis", redis]
    return subprocess.Popen(["taskset", "-c", "0", *args])


def measure(
    connections: int, rounds: int, processes: int, *, post_port: int, read_port: int, token: str
) -> dict[str, Any]:
    """``connections`` streams on the server at ``read_port``; comments posted at ``post_port``."""
    ctx = multiprocessing.get_context("spawn")
    pipes, workers = [], []
    share = [connections // processes + (i < connections % processes) for i in range(processes)]
    read_pid = PIDS[read_port]
    before = rss_kb(read_pid)
    started = time.monotonic()
    for i, count in enumerate(share):
        mine, theirs = ctx.Pipe()
        worker = ctx.Process(target=client, args=(theirs, read_port, count, i * 7919, rounds))
        worker.start()
        os.sched_setaffinity(worker.pid or 0, {1})
        pipes.append(mine)
        workers.append(worker)
    for pipe in pipes:
        assert pipe.recv() == "open"
    opened_in = time.monotonic() - started
    time.sleep(3)  # idle: whatever opening allocated has settled
    after = rss_kb(read_pid)
    latencies: list[float] = []
    per_round: list[float] = []
    cpu: list[float] = []
    system: list[float] = []
    clients: list[float] = []
    delivered = 0
    base = f"http://127.0.0.1:{post_port}"
    for number in range(rounds):
        sent = time.monotonic()
        for pipe in pipes:
            pipe.send(sent + 30)
        user, sys_ = cpu_ms(read_pid)
        post(base, token, f"Live bench comment {number} at {time.time()}")
        answers = [pipe.recv() for pipe in pipes]
        times = [t for got, _ in answers for t in got]
        clients.append(sum(cpu for _, cpu in answers))
        user_after, sys_after = cpu_ms(read_pid)
        cpu.append(user_after - user + sys_after - sys_)
        system.append(sys_after - sys_)
        delivered += len(times)
        these = sorted((t - sent) * 1000 for t in times)
        latencies += these
        per_round.append(these[int(len(these) * 0.99) - 1] if these else float("nan"))
        time.sleep(1)
    for pipe in pipes:
        pipe.send("done")
    for worker in workers:
        worker.join(timeout=30)
    latencies.sort()
    return {
        "connections": connections,
        "rounds": rounds,
        "opened_seconds": round(opened_in, 1),
        "delivered": delivered,
        "expected": connections * rounds,
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 1),
        "max_ms": round(latencies[-1], 1),
        "p99_per_round_ms": [round(x, 1) for x in per_round],
        "server_cpu_ms_per_round": round(statistics.median(cpu), 1),
        "server_system_ms_per_round": round(statistics.median(system), 1),
        "client_cpu_ms_per_round": round(statistics.median(clients), 1),
        "rss_before_kb": before,
        "rss_after_kb": after,
        "kb_per_connection": round((after - before) / connections, 2),
    }


PIDS: dict[int, int] = {}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_section(counts: list[int], rounds: int, processes: int, redis: str | None) -> None:
    limit = raise_open_files()
    print(f"\nLive updates — SSE fan-out on one server process (open files: {limit})\n")
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "live.sqlite3"
        token = prepare(db)
        servers = []
        try:
            port = free_port()
            servers.append(start_server(port, db, None))
            PIDS[port] = servers[-1].pid  # taskset execs the server: its own pid
            wait_ready(f"http://127.0.0.1:{port}")
            # A warm-up (discarded): the first stream and post import and compile lazily.
            measure(200, 1, 1, post_port=port, read_port=port, token=token)
            for count in counts:
                result = measure(
                    count, rounds, processes, post_port=port, read_port=port, token=token
                )
                print(row("in-process", result))
            if redis:
                # Two processes: streams on B, the comment posted through A, Redis between.
                for server in servers:
                    server.terminate()
                    server.wait(timeout=20)
                servers.clear()
                a, b = free_port(), free_port()
                for p in (a, b):
                    servers.append(start_server(p, db, redis))
                    PIDS[p] = servers[-1].pid
                    wait_ready(f"http://127.0.0.1:{p}")
                result = measure(
                    counts[0], rounds, processes, post_port=a, read_port=b, token=token
                )
                print(row("Redis A→B", result))
        finally:
            for server in servers:
                server.terminate()
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()


def row(mode: str, r: dict[str, Any]) -> str:
    return (
        f"  {mode:<11} {r['connections']:>6} streams  delivered {r['delivered']}/{r['expected']}  "
        f"p50 {r['p50_ms']:.0f} ms  p99 {r['p99_ms']:.0f} ms  max {r['max_ms']:.0f} ms  "
        f"(p99 per round {r['p99_per_round_ms']})  "
        f"server CPU {r['server_cpu_ms_per_round']:.0f} ms/comment "
        f"(system {r['server_system_ms_per_round']:.0f}), "
        f"clients' {r['client_cpu_ms_per_round']:.0f}  "
        f"RSS {r['rss_before_kb'] / 1024:.0f}→{r['rss_after_kb'] / 1024:.0f} MB = "
        f"{r['kb_per_connection']:.1f} KB/stream  (opened in {r['opened_seconds']} s)"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        redis = sys.argv[sys.argv.index("--redis") + 1] if "--redis" in sys.argv else None
        serve(int(sys.argv[2]), sys.argv[3], redis)
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=5, help="comments posted, one at a time")
    parser.add_argument("--processes", type=int, default=4, help="client processes")
    parser.add_argument("--redis", default=None, help="also measure across two processes")
    parser.add_argument(
        "--client-loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="the client processes' event loop (uvloop when installed)",
    )
    parser.add_argument(
        "--stack",
        choices=["standard", "plain"],
        default="standard",
        help="standard: uvloop + httptools (when installed, as make bench does); "
        "plain: asyncio + h11 (uvicorn without its extras)",
    )
    args = parser.parse_args()
    os.environ["LIVE_BENCH_STACK"] = args.stack  # the server processes inherit it
    os.environ["LIVE_BENCH_CLIENT_LOOP"] = args.client_loop  # and the clients
    run_section(args.connections, args.rounds, args.processes, args.redis)


if __name__ == "__main__":
    main()
