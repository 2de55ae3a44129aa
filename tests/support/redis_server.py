"""Redis for tests: a dedicated db number on the machine's Redis, and private servers.

The machine's Redis (127.0.0.1:6379, ``REJOINDER_TEST_REDIS_URL``) is shared with other
test runs, so a test there uses db ``REJOINDER_TEST_REDIS_DB`` (default 9) and a key prefix
of its own, and deletes its keys afterwards (deleting by prefix instead of FLUSHDB keeps two
test runs at once from wiping each other's keys). Tests that stop and restart Redis start a
private ``redis-server`` on a free port, keeping nothing on disk, killed by its PID after.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from support.ports import free_port, wait_until

SHARED_REDIS = os.environ.get("REJOINDER_TEST_REDIS_URL", "redis://127.0.0.1:6379")
TEST_DB = int(os.environ.get("REJOINDER_TEST_REDIS_DB", "9"))


@dataclass(frozen=True)
class SharedRedis:
    """The machine's Redis, this test's db number and key prefix."""

    url: str
    prefix: str

    def key_names(self) -> list[bytes]:
        with redis.Redis.from_url(self.url) as client:
            return list(client.scan_iter(match=f"*{self.prefix}*", count=1000))

    def forget(self) -> None:
        with redis.Redis.from_url(self.url) as client:
            names = list(client.scan_iter(match=f"*{self.prefix}*", count=1000))
            if names:
                client.delete(*names)


class RedisServer:
    """A private ``redis-server`` on a free port that a test may kill, pause and restart."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None
        self.prefix = f"t{uuid.uuid4().hex[:10]}"

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is missing: apt-get install -y redis-server"
        options = {
            "port": str(self.port),
            "bind": "127.0.0.1",
            "save": "",
            "appendonly": "no",
            "dir": str(self.workdir),
            "logfile": str(self.workdir / "redis.log"),
        }
        self.process = subprocess.Popen(
            [binary, *(part for key, value in options.items() for part in (f"--{key}", value))],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, within=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise RuntimeError(f"redis-server exited: {(self.workdir / 'redis.log').read_text()}")
        try:
            with redis.Redis(port=self.port, socket_connect_timeout=0.2) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, nothing kept (like a crash)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case a test paused it
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def pause(self) -> None:
        """SIGSTOP: connections stay open but nothing answers (a hung or partitioned Redis)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def restart(self) -> None:
        """Start again on the same port, empty."""
        self.kill()
        self.start()


@pytest.fixture
def shared_redis() -> Iterator[SharedRedis]:
    target = SharedRedis(
        url=f"{SHARED_REDIS.rstrip('/')}/{TEST_DB}", prefix=f"t{uuid.uuid4().hex[:10]}"
    )
    try:
        yield target
    finally:
        target.forget()


@pytest.fixture
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.kill()
