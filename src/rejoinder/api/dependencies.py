"""Litestar dependencies shared by every domain's handlers."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide

from rejoinder.runtime import Runtime

# Handlers name their dependencies explicitly (Litestar 3 drops inferred ones).
RuntimeDep = NamedDependency[Runtime]


def get_runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


DEPENDENCIES = {"runtime": Provide(get_runtime, sync_to_thread=False)}
