"""Local accounts: register, log in, log out, rate limits."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from rejoinder.kernel.clock import FrozenClock
from rejoinder.settings import Settings

Client = httpx.AsyncClient
PASSWORD = "correct horse battery"


async def register(
    client: Client, email: str = "reader@news.test", password: str = PASSWORD
) -> Any:
    return await client.post("/api/v1/auth/register", json={"email": email, "password": password})


async def test_register_gives_default_plan_and_a_working_token(client: Client) -> None:
    response = await register(client)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["account"]["plan"]["id"] == "free"
    assert body["account"]["email"] == "reader@news.test"
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200


async def test_login_and_wrong_password(client: Client) -> None:
    await register(client, "Login@News.test")
    ok = await client.post(
        "/api/v1/auth/login", json={"email": "login@news.TEST", "password": PASSWORD}
    )
    assert ok.status_code == 200, ok.text
    bad = await client.post(
        "/api/v1/auth/login", json={"email": "login@news.test", "password": "wrong password!"}
    )
    assert bad.status_code == 401
    assert bad.json()["code"] == "invalid_credentials"
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "nobody@news.test", "password": PASSWORD}
    )
    assert unknown.json()["code"] == "invalid_credentials"


async def test_duplicate_email_is_a_conflict(client: Client) -> None:
    assert (await register(client, "dup@news.test")).status_code == 201
    again = await register(client, "DUP@news.test")
    assert again.status_code == 409
    assert again.json()["code"] == "email_taken"


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [
        ("not-an-email", PASSWORD, "email_invalid"),
        ("a@b", PASSWORD, "email_invalid"),
        ("short@news.test", "short", "password_too_weak"),
        ("same@news.test", "aaaaaaaaaaaa", "password_too_weak"),
    ],
)
async def test_register_validation(client: Client, email: str, password: str, code: str) -> None:
    response = await register(client, email, password)
    assert response.status_code == 422
    assert response.json()["code"] == code


async def test_logout_revokes_only_that_token(client: Client) -> None:
    first = (await register(client, "two@news.test")).json()["access_token"]
    second = (
        await client.post(
            "/api/v1/auth/login", json={"email": "two@news.test", "password": PASSWORD}
        )
    ).json()["access_token"]
    out = await client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert out.status_code == 204
    revoked = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {first}"})
    assert revoked.status_code == 401
    assert revoked.json()["code"] == "invalid_token"
    still = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"})
    assert still.status_code == 200


async def test_expired_access_token_is_refused(client: Client, clock: FrozenClock) -> None:
    token = (await register(client, "old@news.test")).json()["access_token"]
    clock.advance(days=31)
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_auth_attempts_are_rate_limited_per_client(
    client: Client, clock: FrozenClock
) -> None:
    await register(client, "limit@news.test")
    codes = []
    for _ in range(10):
        response = await client.post(
            "/api/v1/auth/login", json={"email": "limit@news.test", "password": "nope nope nope"}
        )
        codes.append(response.status_code)
    assert codes[-1] == 429
    limited = await client.post(
        "/api/v1/auth/login", json={"email": "limit@news.test", "password": PASSWORD}
    )
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0
    clock.advance(seconds=61)
    again = await client.post(
        "/api/v1/auth/login", json={"email": "limit@news.test", "password": PASSWORD}
    )
    assert again.status_code == 200


async def test_local_accounts_can_be_disabled(client: Client, settings: Settings) -> None:
    settings.accounts.local_enabled = False
    response = await register(client, "off@news.test")
    assert response.status_code == 403
    assert response.json()["code"] == "local_accounts_disabled"


async def test_me_requires_a_token(client: Client) -> None:
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"
    garbage = await client.get("/api/v1/me", headers={"Authorization": "Bearer nonsense"})
    assert garbage.status_code == 401
    assert garbage.json()["code"] == "invalid_token"
