"""Several real ``rejoinder serve`` processes on one PostgreSQL database and one Redis.

``Fleet`` writes one TOML configuration (every process reads the same file, as in
production), starts ``python -m rejoinder --config … serve --port P`` processes on free
ports, waits for each ``/healthz``, and stops them with SIGTERM (or SIGKILL, to play a
crash). Their output goes to ``<workdir>/<name>.log``; ``Fleet.logs()`` gathers it for a
failing assertion's message.

The database is PostgreSQL in both test runs (several processes on SQLite is not a
production shape): each test gets a database created from a migrated template — the
session's own template on the PostgreSQL run, one migrated here once per session on the
SQLite run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import jwt
import pytest
import tomli_w

from rejoinder.storage.migrate import upgrade
from support.ports import free_port
from support.redis_server import RedisServer, SharedRedis

PG_ADMIN_URL = os.environ.get(
    "REJOINDER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SSO_SECRET = "fleet-sso-secret-0123456789-abcdefghijkl"
ADMIN_KEY = "fleet-admin-key-0123456789"
SITE = "news"
READER = ["read", "comment", "react", "report"]


def serve_config(database_url: str, redis_url: str | None, key_prefix: str) -> dict[str, Any]:
    """The configuration every process of a fleet shares (a small newsroom)."""
    config: dict[str, Any] = {
        "database": {"url": database_url, "pool_size": 4},
        "server": {"host": "127.0.0.1", "public_url": "http://rejoinder.test"},
        "sso": {"keys": [{"kid": "fleet", "algorithm": "HS256", "secret": SSO_SECRET}]},
        "accounts": {"default_plan": "free", "admin_api_keys": [ADMIN_KEY]},
        "redis": {"key_prefix": key_prefix},
        "plans": [
            {"id": "free", "name": "Free", "entitlements": ["read"]},
            {"id": "digital", "name": "Digital", "entitlements": READER},
        ],
        "sites": [{"id": SITE, "name": "The Daily Planet", "allowed_domains": ["news.test"]}],
    }
    if redis_url is not None:
        config["redis"]["url"] = redis_url
    return config


def sso_token(subject: str, plan: str = "digital") -> str:
    now = int(time.time())
    claims = {"sub": subject, "plan": plan, "iat": now, "exp": now + 600}
    return jwt.encode(claims, SSO_SECRET, algorithm="HS256", headers={"kid": "fleet"})


@dataclass
class ServeProcess:
    """One ``rejoinder serve`` process."""

    name: str
    port: int
    log_path: Path
    process: subprocess.Popen[bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=10)

    def wait_healthy(self, within: float = 60.0) -> None:
        deadline = time.monotonic() + within
        while True:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not healthy:\n{self.log_path.read_text()}")
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM: uvicorn finishes the requests in flight and runs the app's shutdown."""
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL (kill -9): a crash, nothing runs on the way out."""
        if self.alive:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Fleet:
    """Processes sharing one configuration: start some, stop or kill any, add more."""

    workdir: Path
    config: dict[str, Any]
    processes: list[ServeProcess] = field(default_factory=list)

    @property
    def config_path(self) -> Path:
        return self.workdir / "rejoinder.toml"

    def start(self, count: int = 2) -> list[ServeProcess]:
        self.config_path.write_text(tomli_w.dumps(self.config), encoding="utf-8")
        started = [self._spawn() for _ in range(count)]
        for process in started:
            process.wait_healthy()
        return started

    def add(self) -> ServeProcess:
        """One more process (e.g. to replace one that was killed)."""
        return self.start(1)[0]

    def _spawn(self) -> ServeProcess:
        name = f"serve-{len(self.processes) + 1}"
        port = free_port()
        log_path = self.workdir / f"{name}.log"
        # The processes read only the file: no REJOINDER_* variable of the test run leaks in.
        env = {k: v for k, v in os.environ.items() if not k.startswith("REJOINDER_")}
        command = [sys.executable, "-m", "rejoinder", "--config", str(self.config_path)]
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=self.workdir,
            )
        served = ServeProcess(name, port, log_path, process)
        self.processes.append(served)
        return served

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} (port {p.port}) ---\n{p.log_path.read_text(errors='replace')}"
            for p in self.processes
        )


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _pg(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(PG_ADMIN_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@pytest.fixture(scope="session")
def fleet_template(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database to copy: the session's own on the PostgreSQL run."""
    if os.environ.get("REJOINDER_TEST_DB") == "postgresql":
        yield str(request.getfixturevalue("template_database"))
        return
    name = f"rejoinder_fleet_tpl_{uuid.uuid4().hex[:12]}"
    _pg(f'CREATE DATABASE "{name}"')
    try:
        upgrade(_pg_url(name))
        yield name
    finally:
        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fleet_database(fleet_template: str) -> Iterator[str]:
    name = f"rejoinder_fleet_{uuid.uuid4().hex[:12]}"
    _pg(f'CREATE DATABASE "{name}" TEMPLATE "{fleet_template}"')
    try:
        yield _pg_url(name)
    finally:
        _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fleet(
    fleet_database: str, shared_redis: SharedRedis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    """A fleet on this test's PostgreSQL database and the shared Redis (own db and prefix).

    Tests that restart Redis build their own: ``Fleet(workdir, serve_config(db,
    redis_server.url(), redis_server.prefix))``.
    """
    workdir = tmp_path_factory.mktemp("fleet")
    fleet = Fleet(workdir, serve_config(fleet_database, shared_redis.url, shared_redis.prefix))
    try:
        yield fleet
    finally:
        fleet.stop()


@pytest.fixture
def fleet_on_private_redis(
    fleet_database: str, redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Fleet, RedisServer]]:
    """A fleet on a private redis-server the test may kill, pause and restart."""
    workdir = tmp_path_factory.mktemp("fleet")
    config = serve_config(fleet_database, redis_server.url(), redis_server.prefix)
    fleet = Fleet(workdir, config)
    try:
        yield fleet, redis_server
    finally:
        fleet.stop()
