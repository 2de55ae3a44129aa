"""Liveness answers without dependencies; readiness names each check and fails with it."""

from __future__ import annotations

import httpx

from conftest import RsaPair, make_settings
from rejoinder.app import create_app, create_runtime

Client = httpx.AsyncClient


async def test_readyz_checks_the_database(client: Client) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok"}
    assert response.headers["x-request-id"]


async def test_unreachable_database_is_not_ready_but_alive(rsa_key: RsaPair) -> None:
    # A PostgreSQL URL on a port where nothing listens (port 9 is "discard"): a down database.
    settings = make_settings("postgresql://postgres@127.0.0.1:9/nothing", rsa_key)
    runtime = create_runtime(settings)
    transport = httpx.ASGITransport(app=create_app(settings, runtime=runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://r.test") as http:
            alive = await http.get("/healthz")
            assert alive.status_code == 200
            assert alive.json()["status"] == "ok"
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json() == {
                "status": "unavailable",
                "version": alive.json()["version"],
                "checks": {"database": "down"},
            }
    finally:
        await runtime.db.close()
