"""Helpers of the webhook tests: register an endpoint through the API, pump the worker."""

from __future__ import annotations

from typing import Any

import httpx

from factories import ADMIN_HEADERS
from rejoinder.runtime import Runtime
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver


async def register(
    client: httpx.AsyncClient, receiver: Receiver, events: list[str], **fields: Any
) -> dict[str, Any]:
    answer = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": receiver.url, "events": events, **fields},
        headers=ADMIN_HEADERS,
    )
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    receiver.secrets.append(created["secret"])
    return created


async def pump(runtime: Runtime, hooks: Webhooks) -> int:
    """Read the log into deliveries, then send what is due; the number of attempts."""
    while await runtime.relay.run_durable(hooks.consumer):
        pass
    return await hooks.worker.run_once()


async def drain(runtime: Runtime, hooks: Webhooks) -> int:
    """Pump until nothing is due now; the number of attempts in all."""
    total = 0
    while n := await pump(runtime, hooks):
        total += n
    return total
