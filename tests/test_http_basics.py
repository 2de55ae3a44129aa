"""Health, problem+json for unknown routes and oversized bodies, docs."""

from __future__ import annotations

import httpx

Client = httpx.AsyncClient


async def test_healthz(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


async def test_unknown_route_is_problem_json(client: Client) -> None:
    response = await client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


async def test_wrong_method(client: Client) -> None:
    response = await client.delete("/api/v1/me")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_oversized_body_is_413(client: Client) -> None:
    response = await client.post(
        "/api/v1/auth/sso",
        content=b'{"token": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


async def test_openapi_is_served(client: Client) -> None:
    response = await client.get("/api/docs/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/auth/sso" in response.json()["paths"]
