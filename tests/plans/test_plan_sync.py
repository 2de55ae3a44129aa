"""Plan sync API for billing systems: admin key, immediate effect, history."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import ADMIN_KEY
from factories import make_reader, sso_token
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


async def put_plan(
    client: Client, external_id: str, plan: Any, headers: dict[str, str] = ADMIN
) -> Any:
    return await client.put(
        f"/api/v1/admin/subscribers/{external_id}", json={"plan": plan}, headers=headers
    )


async def test_sync_creates_unknown_subscriber(client: Client) -> None:
    response = await put_plan(client, "billing-1", "digital")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["created"] is True
    assert body["plan"] == "digital"
    assert [h["plan"] for h in body["history"]] == ["digital"]


async def test_lapse_takes_effect_for_issued_tokens(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, plan="digital")
    me = (await client.get("/api/v1/me", headers=reader.headers)).json()
    assert me["can_comment"] is True
    response = await put_plan(client, reader.external_id, "free")
    assert response.json()["changed"] is True
    me = (await client.get("/api/v1/me", headers=reader.headers)).json()
    assert me["can_comment"] is False
    assert me["comment_blocked"]["code"] == "plan_does_not_allow_commenting"
    history = await client.get(f"/api/v1/admin/subscribers/{reader.external_id}", headers=ADMIN)
    assert [(h["previous_plan"], h["plan"]) for h in history.json()["history"]] == [
        (None, "digital"),
        ("digital", "free"),
    ]


async def test_same_plan_twice_records_one_change(client: Client) -> None:
    await put_plan(client, "billing-2", "premium")
    again = (await put_plan(client, "billing-2", "premium")).json()
    assert again["changed"] is False
    assert len(again["history"]) == 1


async def test_old_sso_token_cannot_undo_a_lapse(client: Client, clock: FrozenClock) -> None:
    issued_before_lapse = sso_token(now=clock.now(), sub="lapsing", plan="digital")
    await client.post("/api/v1/auth/sso", json={"token": issued_before_lapse})
    clock.advance(seconds=30)
    await put_plan(client, "lapsing", "free")
    clock.advance(seconds=30)
    replay = await client.post("/api/v1/auth/sso", json={"token": issued_before_lapse})
    assert replay.status_code == 200
    assert replay.json()["account"]["plan"]["id"] == "free"
    fresh = sso_token(now=clock.now(), sub="lapsing", plan="digital")
    renewed = await client.post("/api/v1/auth/sso", json={"token": fresh})
    assert renewed.json()["account"]["plan"]["id"] == "digital"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "admin_key_required"),
        ({"Authorization": "Bearer wrong-key"}, "invalid_admin_key"),
        ({"Authorization": "Basic abc"}, "admin_key_required"),
    ],
)
async def test_admin_key_required(client: Client, headers: dict[str, str], code: str) -> None:
    response = await put_plan(client, "x", "digital", headers)
    assert response.status_code == 401
    assert response.json()["code"] == code


async def test_reader_token_is_not_an_admin_key(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, role="admin")
    response = await put_plan(client, "x", "digital", reader.headers)
    assert response.status_code == 401


@pytest.mark.parametrize("plan", ["platinum", "", 5, None])
async def test_unknown_or_malformed_plan(client: Client, plan: Any) -> None:
    response = await put_plan(client, "billing-3", plan)
    assert response.status_code in {400, 422}
    assert response.json()["code"] in {"unknown_plan", "validation_failed"}
    missing = await client.get("/api/v1/admin/subscribers/billing-3", headers=ADMIN)
    assert missing.status_code == 404  # nothing half-written
    assert missing.json()["code"] == "unknown_subscriber"


async def test_role_is_stored_and_shown(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    response = await client.put(
        f"/api/v1/admin/subscribers/{reader.external_id}/role",
        json={"role": "staff"},
        headers=ADMIN,
    )
    assert response.status_code == 200
    me = (await client.get("/api/v1/me", headers=reader.headers)).json()
    assert me["role"] == "staff"
    assert "Staff" in me["badges"]
    bad = await client.put(
        f"/api/v1/admin/subscribers/{reader.external_id}/role",
        json={"role": "overlord"},
        headers=ADMIN,
    )
    assert bad.status_code in {400, 422}
