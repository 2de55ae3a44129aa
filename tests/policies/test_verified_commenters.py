"""Verified commenters (issue #14): a plan may require SSO verification claims."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from conftest import RsaPair, make_settings
from factories import make_story, sso_token
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings

Client = httpx.AsyncClient


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    settings = make_settings(database_url, rsa_key)
    premium = settings.plan("premium")
    assert premium is not None
    premium.requires_verified = ["phone_verified"]
    return settings


async def sign_in(client: Client, clock: FrozenClock, sub: str, **claims: Any) -> dict[str, str]:
    token = sso_token(now=clock.now(), sub=sub, **claims)
    response = await client.post("/api/v1/auth/sso", json={"token": token})
    assert response.status_code == 200, response.text
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    named = await client.put(
        "/api/v1/me/profile", json={"display_name": f"Verified {sub}"}, headers=headers
    )
    assert named.status_code == 200, named.text
    return headers


async def post(client: Client, headers: dict[str, str], story: str) -> httpx.Response:
    return await client.post(
        f"/api/v1/sites/news/stories/{story}/comments", json={"body": "Hi"}, headers=headers
    )


async def test_a_plan_requiring_a_verified_phone(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    story = await make_story(runtime)
    unverified = await sign_in(client, clock, "alpha", plan="premium", phone_verified=False)
    me = (await client.get("/api/v1/me", headers=unverified)).json()
    assert me["can_comment"] is False
    assert me["comment_blocked"]["code"] == "verification_required"
    assert "phone" in me["comment_blocked"]["message"]
    refused = await post(client, unverified, story)
    assert refused.status_code == 403
    assert refused.json()["code"] == "verification_required"

    # Only a JSON true counts: "true" or 1 are not a verification.
    for value in ("true", 1):
        clock.advance(seconds=1)
        again = await sign_in(client, clock, "alpha", plan="premium", phone_verified=value)
        assert (await post(client, again, story)).json()["code"] == "verification_required"

    clock.advance(seconds=1)
    verified = await sign_in(
        client, clock, "alpha", plan="premium", phone_verified=True, email_verified=True
    )
    assert (await client.get("/api/v1/me", headers=verified)).json()["can_comment"] is True
    assert (await post(client, verified, story)).status_code == 201
    export = (await client.get("/api/v1/me/export", headers=verified)).json()
    assert json.loads(export["account"]["sso_verified"]) == ["email_verified", "phone_verified"]

    # The claim is read at each sign-in: a later token without it withdraws it.
    clock.advance(seconds=1)
    lapsed = await sign_in(client, clock, "alpha", plan="premium")
    assert (await post(client, lapsed, story)).json()["code"] == "verification_required"


async def test_other_plans_do_not_ask(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime)
    reader = await sign_in(client, clock, "beta", plan="digital")
    assert (await post(client, reader, story)).status_code == 201


async def test_the_plan_gate_comes_first(client: Client, clock: FrozenClock) -> None:
    reader = await sign_in(client, clock, "gamma", plan="free")
    me = (await client.get("/api/v1/me", headers=reader)).json()
    assert me["comment_blocked"]["code"] == "plan_does_not_allow_commenting"
