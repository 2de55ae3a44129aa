"""Liveness and readiness: ``GET /healthz``."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Response, get
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from rejoinder import __version__
from rejoinder.api.dependencies import RuntimeDep


class Health(msgspec.Struct):
    status: str
    version: str
    database: str


@get("/healthz", tags=["operations"], summary="Health check")
async def healthz(runtime: RuntimeDep) -> Response[Health]:
    try:
        async with runtime.db.read() as conn:
            await conn.execute(text("SELECT 1"))
    except (OSError, SQLAlchemyError):  # the database is unreachable: we are not ready
        return Response(Health("unavailable", __version__, "down"), status_code=503)
    return Response(Health("ok", __version__, runtime.db.dialect))


__all__: list[Any] = ["healthz"]
