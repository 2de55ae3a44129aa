"""``/me`` in every state, and creating or changing a display name through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from factories import make_reader
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def me(client: Client, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def put_profile(client: Client, headers: dict[str, str], **body: Any) -> Any:
    return await client.put("/api/v1/me/profile", json=body, headers=headers)


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ({"plan": "free"}, "plan_does_not_allow_commenting"),
        ({"plan": "reactor"}, "plan_does_not_allow_commenting"),
        ({"plan": "digital", "display_name": None}, "display_name_required"),
        ({"plan": "digital", "status": "suspended", "days": 3}, "account_suspended"),
        ({"plan": "digital", "status": "banned"}, "account_banned"),
        ({"plan": "digital"}, None),
        ({"plan": "premium"}, None),
    ],
)
async def test_me_in_every_state(
    client: Client, runtime: Runtime, clock: FrozenClock, state: dict[str, Any], code: str | None
) -> None:
    days = state.pop("days", None)
    until = clock.now() + timedelta(days=days) if days else None
    reader = await make_reader(runtime, status_until=until, **state)
    body = await me(client, reader.headers)
    assert set(body) >= {
        "id",
        "plan",
        "display_name",
        "bio",
        "can_comment",
        "comment_blocked",
        "profile_url",
    }
    assert body["profile_url"] == "http://rejoinder.test/account/profile"
    if code is None:
        assert body["can_comment"] is True
        assert body["comment_blocked"] is None
        return
    assert body["can_comment"] is False
    blocked = body["comment_blocked"]
    assert blocked["code"] == code
    assert blocked["message"]
    if code == "plan_does_not_allow_commenting":
        assert body["plan"]["name"] in blocked["message"]
    if code == "display_name_required":
        assert "Profile section" in blocked["message"]
        assert blocked["profile_url"] == body["profile_url"]
    if code == "account_suspended":
        assert blocked["until"]


async def test_me_never_leaks_other_fields(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, plan="premium")
    body = await me(client, reader.headers)
    assert "password_hash" not in body
    assert body["plan"] == {
        "id": "premium",
        "name": "Premium",
        "entitlements": ["read", "comment", "react", "report"],
        "badge": "Premium",
        "upgrade_url": None,
    }


async def test_suspension_ends_by_itself(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(
        runtime, status="suspended", status_until=clock.now() + timedelta(hours=2)
    )
    assert (await me(client, reader.headers))["comment_blocked"]["code"] == "account_suspended"
    clock.advance(hours=3)
    assert (await me(client, reader.headers))["can_comment"] is True


async def test_plan_gate_comes_before_display_name(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, plan="free", display_name=None)
    body = await me(client, reader.headers)
    assert body["comment_blocked"]["code"] == "plan_does_not_allow_commenting"


async def test_create_display_name_unblocks_commenting(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, display_name=None)
    response = await put_profile(
        client, reader.headers, display_name="  Lois   Lane ", bio="Reporter"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["display_name"] == "Lois Lane"
    assert body["bio"] == "Reporter"
    assert body["can_comment"] is True


async def test_display_name_taken_case_and_confusables(client: Client, runtime: Runtime) -> None:
    await make_reader(runtime, display_name="Clark Kent")
    other = await make_reader(runtime, display_name=None)
    for attempt in ("clark kent", "CLARK KENT", "Clark_Kent", "Сlark Kent"):
        response = await put_profile(client, other.headers, display_name=attempt)
        assert response.status_code in {409, 422}, (attempt, response.text)
        assert response.json()["code"] in {"display_name_taken", "display_name_invalid"}
    ok = await put_profile(client, other.headers, display_name="Clark Kent Fan Club")
    assert ok.status_code == 200


async def test_japanese_names_are_welcome(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime, display_name=None)
    response = await put_profile(client, reader.headers, display_name="山田 太郎")
    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "山田 太郎"


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("a", "display_name_invalid", "too_short"),
        ("x" * 31, "display_name_invalid", "too_long"),
        ("Evil\u202eName", "display_name_invalid", "bidi_controls"),
        ("Zero\u200bWidth", "display_name_invalid", "invisible_characters"),
        ("Tab\tName", "display_name_invalid", "control_characters"),
        ("Moderator", "display_name_reserved", "reserved"),
        ("The Daily Planet", "display_name_reserved", "reserved"),
    ],
)
async def test_policy_refusals_through_the_api(
    client: Client, runtime: Runtime, name: str, code: str, reason: str
) -> None:
    reader = await make_reader(runtime, display_name=None)
    response = await put_profile(client, reader.headers, display_name=name)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == code
    assert problem["reason"] == reason
    assert problem["detail"]
    assert (await me(client, reader.headers))["display_name"] is None


async def test_change_cooldown_and_history(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(runtime, display_name=None)
    assert (
        await put_profile(client, reader.headers, display_name="Jimmy Olsen")
    ).status_code == 200
    clock.advance(days=1)
    too_soon = await put_profile(client, reader.headers, display_name="James Olsen")
    assert too_soon.status_code == 409
    assert too_soon.json()["code"] == "display_name_change_too_soon"
    assert too_soon.json()["retry_at"]
    same = await put_profile(client, reader.headers, display_name="Jimmy Olsen", bio="Photos")
    assert same.status_code == 200  # keeping the same name is not a change
    clock.advance(days=14)
    changed = await put_profile(client, reader.headers, display_name="James Olsen")
    assert changed.status_code == 200
    from sqlalchemy import select

    from rejoinder.profiles.models import display_name_history

    async with runtime.db.read() as conn:
        rows = (
            await conn.execute(
                select(display_name_history.c.previous_name, display_name_history.c.display_name)
                .where(display_name_history.c.account_id == reader.account_id)
                .order_by(display_name_history.c.id)
            )
        ).all()
    assert [tuple(r) for r in rows] == [(None, "Jimmy Olsen"), ("Jimmy Olsen", "James Olsen")]


async def test_released_name_can_be_taken_by_another(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    first = await make_reader(runtime, display_name="Perry White")
    clock.advance(days=15)
    assert (await put_profile(client, first.headers, display_name="Perry W")).status_code == 200
    second = await make_reader(runtime, display_name=None)
    assert (
        await put_profile(client, second.headers, display_name="Perry White")
    ).status_code == 200


async def test_name_check_endpoint(client: Client, runtime: Runtime) -> None:
    await make_reader(runtime, display_name="Lex Luthor")
    taken = (await client.get("/api/v1/display-names/check", params={"name": "lex luthor"})).json()
    assert taken["available"] is False
    assert taken["code"] == "display_name_taken"
    free = (await client.get("/api/v1/display-names/check", params={"name": "Lana Lang"})).json()
    assert free == {"available": True, "display_name": "Lana Lang"}
    bad = (await client.get("/api/v1/display-names/check", params={"name": "x"})).json()
    assert bad["reason"] == "too_short"


async def test_bio_limits(client: Client, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    too_long = await put_profile(client, reader.headers, bio="x" * 501)
    assert too_long.status_code == 422
    assert too_long.json()["code"] == "bio_too_long"
    cleaned = await put_profile(client, reader.headers, bio="line one\nline\x07 two")
    assert cleaned.json()["bio"] == "line one\nline two"


@pytest.mark.parametrize(
    "body", [{"display_name": 5}, {"unknown": "x"}, {"display_name": "x" * 300}, []]
)
async def test_malformed_profile_updates(client: Client, runtime: Runtime, body: Any) -> None:
    reader = await make_reader(runtime)
    response = await client.put("/api/v1/me/profile", json=body, headers=reader.headers)
    assert response.status_code in {400, 422}
    assert response.json()["code"] == "validation_failed"
