"""At least once: a worker SIGKILLed mid-attempt leaves a lease that expires; the delivery
is then sent again, with the same ``webhook-id`` and body."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select

from factories import make_story
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.webhooks.models import webhook_deliveries
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import pump, register

SCRIPT = Path(__file__).with_name("killed_worker.py")


async def test_a_worker_killed_mid_delivery_is_replaced_with_the_same_webhook_id(
    *,
    settings: Settings,
    runtime: Runtime,
    client: httpx.AsyncClient,
    hooks: Webhooks,
    receiver: Receiver,
    clock: FrozenClock,
) -> None:
    await register(client, receiver, ["story.created"])
    await make_story(runtime)
    while await runtime.relay.run_durable(hooks.consumer):
        pass
    hold = receiver.hold = threading.Event()
    worker = subprocess.Popen(  # noqa: ASYNC220 - killed below, never awaited
        [sys.executable, str(SCRIPT), settings.database.url, "127.0.0.0/8"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert await asyncio.to_thread(receiver.arrived.wait, 120), "the worker never sent"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        await asyncio.to_thread(worker.wait, 30)
    receiver.hold = None
    hold.set()  # the dead worker's request goes nowhere now
    async with runtime.db.read() as conn:
        row = (await conn.execute(select(webhook_deliveries))).one()
    assert row.status == "pending"
    assert row.claimed_until is not None  # the dead process's lease
    clock.set(datetime.now(UTC))
    assert await pump(runtime, hooks) == 0  # its lease still holds
    clock.set(row.claimed_until)
    clock.advance(seconds=1)
    assert await pump(runtime, hooks) == 1
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert first.verified_with == second.verified_with == receiver.secrets
    async with runtime.db.read() as conn:
        status = (await conn.execute(select(webhook_deliveries.c.status))).scalar_one()
    assert status == "delivered"
