"""Shared fixtures: a migrated database per test (SQLite or PostgreSQL), a frozen clock,
the runtime and an HTTP client on the real ASGI app.

The backend is chosen by ``REJOINDER_TEST_DB`` (``sqlite``, the default, or ``postgresql``).
Both copy one database migrated once per session: SQLite copies the file, PostgreSQL creates
each test's database from a template (``CREATE DATABASE ... TEMPLATE``) and drops it after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from rejoinder.app import create_app, create_runtime
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import (
    AccountSettings,
    DatabaseSettings,
    PlanSettings,
    ServerSettings,
    Settings,
    SiteSettings,
    SsoKey,
    SsoSettings,
)
from rejoinder.storage.migrate import upgrade

# Real Redis (shared and private servers), several `rejoinder serve` processes, nginx.
pytest_plugins = ("support.redis_server", "support.processes")

BACKEND = os.environ.get("REJOINDER_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get(
    "REJOINDER_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HS_SECRET = "test-secret-0123456789-abcdefghijklmnop"
HS_SECRET_NEXT = "next-secret-0123456789-abcdefghijklmnop"
ADMIN_KEY = "test-admin-key-0123456789"
READER = ["read", "comment", "react", "report"]


def pytest_report_header() -> str:
    return f"rejoinder test database: {BACKEND}"


class RsaPair:
    def __init__(self) -> None:
        self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        self.public_pem = (
            self.private.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )


@pytest.fixture(scope="session")
def rsa_key() -> RsaPair:
    return RsaPair()


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
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One migrated database per test session; tests get copies of it."""
    if BACKEND == "postgresql":
        name = f"rejoinder_tpl_{uuid.uuid4().hex[:12]}"
        _pg(f'CREATE DATABASE "{name}"')
        try:
            upgrade(_pg_url(name))
            yield name
        finally:
            _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    yield str(path)


def fresh_database(template_database: str, tmp_path: Path, stem: str) -> Iterator[str]:
    """A migrated, empty database of its own (a copy of the template), dropped after."""
    if BACKEND == "postgresql":
        name = f"rejoinder_{stem}_{uuid.uuid4().hex[:12]}"
        _pg(f'CREATE DATABASE "{name}" TEMPLATE "{template_database}"')
        try:
            yield _pg_url(name)
        finally:
            _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    target = tmp_path / f"{stem}.sqlite3"
    shutil.copyfile(template_database, target)
    yield f"sqlite:///{target}"


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database(template_database, tmp_path, "test")


def make_settings(database_url: str, rsa_key: RsaPair, **overrides: Any) -> Settings:
    settings = Settings(
        database=DatabaseSettings(url=database_url, pool_size=4),
        server=ServerSettings(public_url="http://rejoinder.test"),
        sso=SsoSettings(
            keys=[
                SsoKey(kid="hs-1", algorithm="HS256", secret=HS_SECRET),
                SsoKey(kid="hs-2", algorithm="HS256", secret=HS_SECRET_NEXT),
                SsoKey(kid="rs-1", algorithm="RS256", public_key=rsa_key.public_pem),
            ],
            audience=None,
        ),
        accounts=AccountSettings(default_plan="free", admin_api_keys=[ADMIN_KEY]),
        plans=[
            PlanSettings(
                id="free",
                name="Free",
                entitlements=["read"],
                upgrade_url="https://news.test/subscribe",
            ),
            PlanSettings(id="digital", name="Digital", entitlements=READER),
            PlanSettings(id="premium", name="Premium", entitlements=READER, badge="Premium"),
            PlanSettings(id="reactor", name="Reactor", entitlements=["read", "react"]),
        ],
        sites=[
            SiteSettings(
                id="news", name="The Daily Planet", allowed_domains=["news.test", "www.news.test"]
            ),
            SiteSettings(id="sport", name="Planet Sport", allowed_domains=["sport.news.test"]),
        ],
    )
    # The toxicity model's second stage answers in ~30 ms, but tests share two busy cores: a
    # verdict must not depend on whether the encoder beat the production budget (40 ms).
    settings.moderation.toxicity_timeout_ms = 30_000
    for key, value in overrides.items():
        section, _, field = key.partition("__")
        if field:
            setattr(getattr(settings, section), field, value)
        else:
            setattr(settings, section, value)
    return settings


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    return make_settings(database_url, rsa_key)


@pytest.fixture
async def runtime(settings: Settings, clock: FrozenClock) -> AsyncIterator[Runtime]:
    runtime = create_runtime(settings, clock=clock)
    try:
        yield runtime
    finally:
        await runtime.close()


@pytest.fixture
async def client(settings: Settings, runtime: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    """The real ASGI app in this test's event loop (asyncpg connections are bound to a loop)."""
    app = create_app(settings, runtime=runtime)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        yield http
