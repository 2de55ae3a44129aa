"""A real server for contract tests: the app under uvicorn on a free port, on its own database.

The database is a copy of the session's migrated template (SQLite file or PostgreSQL
``TEMPLATE``), like the per-test one in ``conftest``, but it lives for a whole module so that
hundreds of generated requests share one server. uvicorn runs in a thread with its own event
loop, so the runtime (and asyncpg's connections) are created on that loop.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn

from conftest import BACKEND, RsaPair, _pg, _pg_url, make_settings
from factories import sso_token
from rejoinder.app import create_app
from rejoinder.kernel.clock import SystemClock
from rejoinder.settings import Settings


@dataclass(frozen=True, slots=True)
class Served:
    base_url: str
    settings: Settings

    def sso(self, subject: str, **claims: object) -> str:
        """A publisher-signed token for ``subject``, valid now (the server's real clock)."""
        return sso_token(now=SystemClock().now(), sub=subject, **claims)


@contextmanager
def database_copy(template: str, folder: Path) -> Iterator[str]:
    if BACKEND == "postgresql":
        name = f"rejoinder_served_{uuid.uuid4().hex[:12]}"
        _pg(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield _pg_url(name)
        finally:
            _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    target = folder / "served.sqlite3"
    shutil.copyfile(template, target)
    yield f"sqlite:///{target}"


@contextmanager
def serve(template: str, folder: Path, rsa_key: RsaPair) -> Iterator[Served]:
    """The app with the test settings, served until the block ends."""
    with database_copy(template, folder) as url:
        settings = make_settings(url, rsa_key)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            create_app(settings), log_level="warning", lifespan="on", proxy_headers=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True
        )
        thread.start()
        base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        try:
            assert httpx.get(f"{base_url}/healthz").status_code == 200
            yield Served(base_url, settings)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            sock.close()
