"""Deliveries from the event log to a real receiver: signed, in order, retried, at least once."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from conftest import ADMIN_KEY
from factories import ADMIN_HEADERS, make_comment, make_reader, make_story, moderate
from rejoinder.events.catalogue import StoryCreated
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.webhooks.models import webhook_deliveries
from rejoinder.webhooks.schedule import ATTEMPTS, DELAYS
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import drain, pump, register

Client = httpx.AsyncClient


async def test_every_delivery_is_signed_and_verifies(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    await register(client, receiver, ["comment.created", "story.created"])
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    comment = await make_comment(runtime, reader, story, "Hello")
    assert await drain(runtime, hooks) == 2
    assert [r.verified_with for r in receiver.received] == [receiver.secrets] * 2
    created, posted = receiver.bodies()
    assert created["type"] == "story.created"
    assert created["data"]["story_key"] == story
    assert posted["type"] == "comment.created"
    assert posted["version"] == 1
    assert posted["data"]["comment_id"] == comment["id"]
    assert posted["data"]["status"] == "published"
    first = receiver.received[0].headers
    assert first["webhook-id"].startswith("msg_")
    assert first["webhook-signature"].startswith("v1,")
    assert "@" not in b"".join(r.body for r in receiver.received).decode()
    assert await drain(runtime, hooks) == 0  # nothing twice


async def test_only_subscribed_events_are_delivered(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    await register(client, receiver, ["comment.status_changed"])
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    comment = await make_comment(runtime, reader, story, "To be rejected")
    await moderate(runtime, comment["id"], "reject")
    await drain(runtime, hooks)
    bodies = receiver.bodies()
    assert [b["type"] for b in bodies] == ["comment.status_changed"]
    assert bodies[0]["data"]["change"] == "rejected"
    assert bodies[0]["data"]["previous_status"] == "published"


async def test_a_receiver_failing_three_times_then_succeeding(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, clock: FrozenClock
) -> None:
    receiver.script = [500, 503, 502]
    endpoint = await register(client, receiver, ["story.created"])
    await make_story(runtime)
    assert await pump(runtime, hooks) == 1  # at once
    assert await pump(runtime, hooks) == 0  # not yet due
    for delay in DELAYS[:3]:
        clock.advance(seconds=delay.total_seconds() - 1)
        assert await pump(runtime, hooks) == 0
        clock.advance(seconds=1)
        assert await pump(runtime, hooks) == 1
    assert [r.status for r in receiver.received] == [500, 503, 502, 204]
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.verified_with for r in receiver.received)
    answer = await client.get(
        f"/api/v1/admin/webhooks/{endpoint['id']}/deliveries", headers=ADMIN_HEADERS
    )
    (delivery,) = answer.json()["deliveries"]
    assert delivery["status"] == "delivered"
    assert delivery["attempts"] == 4
    assert delivery["last_status_code"] == 204
    assert delivery["last_duration_ms"] >= 0
    view = await client.get(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=ADMIN_HEADERS)
    assert view.json()["failing_since"] is None


async def test_deliveries_give_up_after_the_schedule(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, clock: FrozenClock
) -> None:
    receiver.default = 500
    endpoint = await register(client, receiver, ["story.created"])
    await make_story(runtime)
    total = await pump(runtime, hooks)
    for delay in DELAYS:
        clock.advance(seconds=delay.total_seconds())
        total += await pump(runtime, hooks)
    assert total == ATTEMPTS
    assert sum(DELAYS, timedelta()) > timedelta(days=3)
    clock.advance(days=1)
    assert await pump(runtime, hooks) == 0
    async with runtime.db.read() as conn:
        status = (await conn.execute(select(webhook_deliveries.c.status))).scalar_one()
    assert status == "failed"
    # An admin can send it again, with the same webhook-id.
    receiver.default = 200
    deliveries = await client.get(
        f"/api/v1/admin/webhooks/{endpoint['id']}/deliveries",
        headers={"Authorization": f"Bearer {ADMIN_KEY}"},
    )
    delivery_id = deliveries.json()["deliveries"][0]["id"]
    again = await client.post(
        f"/api/v1/admin/webhooks/{endpoint['id']}/deliveries/{delivery_id}/redeliver",
        headers=ADMIN_HEADERS,
    )
    assert again.status_code == 200
    assert again.json()["status"] == "pending"
    assert await pump(runtime, hooks) == 1
    assert receiver.received[-1].status == 200
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1


async def test_the_serving_process_delivers_in_the_background(
    runtime: Runtime, client: Client, receiver: Receiver
) -> None:
    """Runtime.start runs the relay and the delivery loop: no hand-driving. After each
    success the loop goes on with the endpoint's next delivery, still in order."""
    import asyncio

    await register(client, receiver, ["story.created"])
    await runtime.start()
    async with runtime.db.transaction() as tx:  # five events in one commit
        for n in range(5):
            tx.emit(StoryCreated(story_id=1000 + n, site_id="news", story_key=f"bg-{n}"))

    def five() -> bool:
        return len(receiver.received) >= 5

    while not five():
        receiver.arrived.clear()
        if five():
            break
        assert await asyncio.to_thread(receiver.arrived.wait, 30)
    assert [b["data"]["story_key"] for b in receiver.bodies()] == [f"bg-{n}" for n in range(5)]
    assert all(r.verified_with == receiver.secrets for r in receiver.received)
