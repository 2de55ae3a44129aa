"""Per-endpoint order, secret rotation, redirects, auto-disabling after days of failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx
import pytest

from factories import ADMIN_HEADERS, make_story
from rejoinder.app import create_runtime
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.webhooks.worker import Webhooks, WebhookWorker
from webhooks.receiver import Receiver, serving
from webhooks.support import drain, pump, register

Client = httpx.AsyncClient


async def test_an_endpoint_gets_its_events_in_order_even_when_one_is_retried(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, clock: FrozenClock
) -> None:
    with serving(Receiver()) as other:
        await register(client, receiver, ["story.created"])
        await register(client, other, ["story.created"])
        receiver.script = [500]
        first, second = await make_story(runtime), await make_story(runtime)
        assert await pump(runtime, hooks) == 2  # the first event to both
        assert await pump(runtime, hooks) == 1  # the second to `other`; `receiver` waits
        assert await pump(runtime, hooks) == 0
        clock.advance(seconds=5)
        assert await pump(runtime, hooks) == 1  # the retry of the first
        assert await pump(runtime, hooks) == 1  # only now the second
        keys = [b["data"]["story_key"] for b in receiver.bodies()]
        assert keys == [first, first, second]
        assert [b["data"]["story_key"] for b in other.bodies()] == [first, second]
        assert all(r.verified_with for r in [*receiver.received, *other.received])


async def test_during_a_rotation_both_signatures_are_sent_and_verify(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, clock: FrozenClock
) -> None:
    endpoint = await register(client, receiver, ["story.created"])
    old = endpoint["secret"]
    rotated = await client.post(
        f"/api/v1/admin/webhooks/{endpoint['id']}/rotate-secret", headers=ADMIN_HEADERS
    )
    assert rotated.status_code == 200
    new = rotated.json()["secret"]
    assert new.startswith("whsec_")
    assert new != old
    assert rotated.json()["previous_secret_expires_at"] is not None
    receiver.secrets = [old, new]
    await make_story(runtime)
    assert await drain(runtime, hooks) == 1
    (during,) = receiver.received
    assert during.headers["webhook-signature"].count("v1,") == 2
    assert during.verified_with == [old, new]  # a receiver holding either one verifies
    clock.advance(hours=runtime.settings.webhooks.rotation_overlap_hours, seconds=1)
    await make_story(runtime)
    assert await drain(runtime, hooks) == 1
    after = receiver.received[-1]
    assert after.headers["webhook-signature"].count("v1,") == 1
    assert after.verified_with == [new]
    view = await client.get(f"/api/v1/admin/webhooks/{endpoint['id']}", headers=ADMIN_HEADERS)
    assert "secret" not in view.json()
    assert view.json()["previous_secret_expires_at"] is None


async def test_redirects_are_not_followed(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    receiver.script = [302]
    endpoint = await register(client, receiver, ["story.created"])
    await make_story(runtime)
    assert await pump(runtime, hooks) == 1
    assert [r.path for r in receiver.received] == ["/hooks"]  # never /elsewhere
    deliveries = await client.get(
        f"/api/v1/admin/webhooks/{endpoint['id']}/deliveries", headers=ADMIN_HEADERS
    )
    (delivery,) = deliveries.json()["deliveries"]
    assert delivery["status"] == "pending"
    assert delivery["last_status_code"] == 302
    assert delivery["last_error"] == "redirect not followed"


async def test_an_endpoint_failing_for_five_days_is_disabled_and_the_admins_told(
    *,
    runtime: Runtime,
    client: Client,
    hooks: Webhooks,
    receiver: Receiver,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    receiver.default = 500
    endpoint = await register(client, receiver, ["story.created"])
    url = f"/api/v1/admin/webhooks/{endpoint['id']}"
    for _ in range(3):
        await make_story(runtime)
    started = clock.now()
    with caplog.at_level(logging.WARNING, logger="rejoinder.webhooks.worker"):
        for _ in range(24 * 6):
            await pump(runtime, hooks)
            if not (await client.get(url, headers=ADMIN_HEADERS)).json()["enabled"]:
                break
            clock.advance(hours=1)
    view = (await client.get(url, headers=ADMIN_HEADERS)).json()
    assert view["enabled"] is False
    assert view["disabled_reason"] == "failing"
    days = (clock.now() - started).total_seconds() / 86400
    assert 5 <= days < 5.5
    assert any("disabled" in r.getMessage() for r in caplog.records)
    attempts = len(receiver.received)
    clock.advance(days=1)
    assert await pump(runtime, hooks) == 0  # a disabled endpoint gets nothing
    # Enabled again (the receiver fixed): what is pending goes out, in order.
    receiver.default = 204
    enabled = await client.patch(url, json={"enabled": True}, headers=ADMIN_HEADERS)
    assert enabled.json()["enabled"] is True
    assert enabled.json()["failing_since"] is None
    await drain(runtime, hooks)
    assert len(receiver.received) > attempts
    assert receiver.received[-1].status == 204


async def test_two_processes_share_the_work_and_send_each_delivery_once(
    settings: Settings, runtime: Runtime, client: Client, hooks: Webhooks, clock: FrozenClock
) -> None:
    """Two runtimes on one database stand for two serving processes, claiming at once."""
    other = create_runtime(settings, clock=clock)
    assert other.webhooks is not None
    receivers = [Receiver() for _ in range(4)]
    with contextlib.ExitStack() as stack:
        for each in receivers:
            stack.enter_context(serving(each))
            await register(client, each, ["story.created"])
        keys = [await make_story(runtime) for _ in range(5)]
        while await runtime.relay.run_durable(hooks.consumer):
            pass

        async def drain_with(worker: WebhookWorker) -> None:
            while await worker.run_once():
                pass

        try:
            await asyncio.gather(drain_with(hooks.worker), drain_with(other.webhooks.worker))
        finally:
            await other.close()
        for each in receivers:
            ids = [r.headers["webhook-id"] for r in each.received]
            assert len(ids) == len(set(ids)) == 5  # each once
            assert [b["data"]["story_key"] for b in each.bodies()] == keys  # in order
