"""The webhooks admin API: register, list, change, disable, delete; stable error codes."""

from __future__ import annotations

import httpx

from factories import ADMIN_HEADERS, make_story
from rejoinder.runtime import Runtime
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import drain, register

Client = httpx.AsyncClient
BASE = "/api/v1/admin/webhooks"


async def test_the_lifecycle_of_an_endpoint(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    created = await register(client, receiver, ["story.created"], description="Newsroom bot")
    assert created["secret"].startswith("whsec_")
    assert created["enabled"] is True
    assert created["events"] == ["story.created"]
    one = f"{BASE}/{created['id']}"
    listed = (await client.get(BASE, headers=ADMIN_HEADERS)).json()["endpoints"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert all("secret" not in e for e in listed)
    changed = await client.patch(
        one,
        json={"events": ["story.updated", "story.created"], "description": "Bot"},
        headers=ADMIN_HEADERS,
    )
    assert changed.status_code == 200
    assert changed.json()["events"] == ["story.created", "story.updated"]
    disabled = await client.patch(one, json={"enabled": False}, headers=ADMIN_HEADERS)
    assert disabled.json()["enabled"] is False
    assert disabled.json()["disabled_reason"] is None  # an admin's choice, not a failure
    await make_story(runtime)
    assert await drain(runtime, hooks) == 0  # disabled: nothing delivered, nothing queued
    await client.patch(one, json={"enabled": True}, headers=ADMIN_HEADERS)
    await make_story(runtime)
    assert await drain(runtime, hooks) == 1
    assert (await client.delete(one, headers=ADMIN_HEADERS)).status_code == 204
    gone = await client.get(one, headers=ADMIN_HEADERS)
    assert gone.status_code == 404
    assert gone.json()["code"] == "webhook_not_found"
    deliveries = await client.get(f"{one}/deliveries", headers=ADMIN_HEADERS)
    assert deliveries.json()["code"] == "webhook_not_found"


async def test_errors_have_stable_codes(client: Client, receiver: Receiver) -> None:
    no_key = await client.get(BASE)
    assert no_key.status_code == 401
    assert no_key.json()["code"] == "admin_key_required"
    unknown_event = await client.post(
        BASE, json={"url": receiver.url, "events": ["comment.liked"]}, headers=ADMIN_HEADERS
    )
    assert unknown_event.status_code == 422
    assert unknown_event.json()["code"] == "validation_failed"
    for body in (
        {"url": receiver.url, "events": []},
        {"url": receiver.url},
        {"url": receiver.url, "events": ["story.created"], "extra": 1},
        {"url": "not a url", "events": ["story.created"]},
        {"url": receiver.url, "events": ["story.created"], "description": "a\x00b"},
    ):
        answer = await client.post(BASE, json=body, headers=ADMIN_HEADERS)
        assert answer.status_code == 422, body
    malformed = await client.post(
        BASE, content=b"{", headers={**ADMIN_HEADERS, "content-type": "application/json"}
    )
    assert malformed.status_code == 400
    missing = await client.post(f"{BASE}/999/rotate-secret", headers=ADMIN_HEADERS)
    assert missing.json()["code"] == "webhook_not_found"
    created = await register(client, receiver, ["story.created"])
    no_delivery = await client.post(
        f"{BASE}/{created['id']}/deliveries/12345/redeliver", headers=ADMIN_HEADERS
    )
    assert no_delivery.status_code == 404
    assert no_delivery.json()["code"] == "delivery_not_found"
    too_big = await client.get(f"{BASE}/{2**63}", headers=ADMIN_HEADERS)
    assert too_big.status_code in {404, 422}


async def test_deliveries_page_newest_first(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    created = await register(client, receiver, ["story.created"])
    for _ in range(3):
        await make_story(runtime)
    await drain(runtime, hooks)
    url = f"{BASE}/{created['id']}/deliveries"
    first = (await client.get(url, params={"limit": 2}, headers=ADMIN_HEADERS)).json()
    assert len(first["deliveries"]) == 2
    ids = [d["id"] for d in first["deliveries"]]
    assert ids == sorted(ids, reverse=True)
    rest = await client.get(
        url, params={"limit": 2, "before": first["next_before"]}, headers=ADMIN_HEADERS
    )
    assert len(rest.json()["deliveries"]) == 1
    assert rest.json()["next_before"] is None
    assert all(d["status"] == "delivered" for d in first["deliveries"])
