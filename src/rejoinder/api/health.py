"""Liveness (``GET /healthz``) and readiness (``GET /readyz``, a list of named checks)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec
from litestar import Response, get
from litestar.openapi import ResponseSpec
from sqlalchemy import text

from rejoinder import __version__
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.runtime import Runtime

log = logging.getLogger(__name__)
CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class ReadinessCheck:
    """One dependency ``/readyz`` waits for: ``probe`` raises (or times out) when it is down."""

    name: str
    probe: Callable[[Runtime], Awaitable[None]]


async def _database(runtime: Runtime) -> None:
    async with runtime.db.read() as conn:
        await conn.execute(text("SELECT 1"))


def readiness_checks(runtime: Runtime) -> list[ReadinessCheck]:
    """What ``/readyz`` checks: the database. Redis is reported, not required (below)."""
    del runtime
    return [ReadinessCheck("database", _database)]


def redis_state(runtime: Runtime) -> str | None:
    """``ok`` or ``degraded`` when Redis is configured (from the backends' own view of it,
    no round trip); ``None`` without Redis. Degraded is still serving: rate limits count per
    process and wake-ups wait until Redis is back."""
    if runtime.settings.redis.url is None:
        return None
    broadcast = runtime.relay.broadcast
    healthy = runtime.limiter.healthy and (broadcast is None or broadcast.healthy)
    return "ok" if healthy else "degraded"


class Health(msgspec.Struct):
    status: str
    version: str
    database: str
    redis: str | None = None


class Readiness(msgspec.Struct):
    status: str
    version: str
    checks: dict[str, str]


@get("/healthz", tags=["operations"], summary="Liveness", sync_to_thread=False)
def healthz(runtime: RuntimeDep) -> Health:
    """200 while the process answers; it touches no dependency (that is ``/readyz``)."""
    return Health("ok", __version__, runtime.db.dialect, redis_state(runtime))


@get(
    "/readyz",
    tags=["operations"],
    summary="Readiness",
    responses={
        503: ResponseSpec(Readiness, description="A dependency is down: its check says `down`.")
    },
)
async def readyz(runtime: RuntimeDep) -> Response[Readiness]:
    """200 when every dependency answers within two seconds, else 503 naming what is down."""
    checks = readiness_checks(runtime)

    async def run(check: ReadinessCheck) -> str:
        try:
            await asyncio.wait_for(check.probe(runtime), CHECK_TIMEOUT_SECONDS)
        except Exception:  # any failure means "not ready"; the reason is logged
            log.warning("readiness check %s failed", check.name, exc_info=True)
            return "down"
        return "ok"

    results = await asyncio.gather(*(run(check) for check in checks))
    states = {check.name: result for check, result in zip(checks, results, strict=True)}
    ready = all(state == "ok" for state in states.values())
    redis = redis_state(runtime)
    if redis is not None:
        states["redis"] = redis
    return Response(
        Readiness("ok" if ready else "unavailable", __version__, states),
        status_code=200 if ready else 503,
    )
