"""HTTP handlers of the webhooks admin API (admin API key)."""

from __future__ import annotations

from typing import Annotated

from litestar import delete, get, patch, post
from litestar.params import JSONBody, QueryParameter

from rejoinder.accounts.dependencies import require_admin_key
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import MAX_ID
from rejoinder.webhooks import queries, service
from rejoinder.webhooks.schemas import (
    DeliveryId,
    DeliveryList,
    DeliveryView,
    EndpointId,
    WebhookCreate,
    WebhookList,
    WebhookUpdate,
    WebhookView,
    WebhookWithSecret,
)

ADMIN: list[dict[str, list[str]]] = [{"admin_key": []}]
BASE = "/api/v1/admin/webhooks"
ONE = BASE + "/{endpoint_id:int}"
OPTIONS = {"tags": ["webhooks"], "security": ADMIN, "guards": [require_admin_key]}


@post(BASE, status_code=201, **OPTIONS)  # type: ignore[arg-type]
async def create_webhook(data: JSONBody[WebhookCreate], runtime: RuntimeDep) -> WebhookWithSecret:
    """Register an endpoint for the given event types. The answer carries the signing
    secret (`whsec_…`), shown this once. The URL must resolve to public addresses only."""
    return await service.create_endpoint(runtime, data)


@get(BASE, **OPTIONS)  # type: ignore[arg-type]
async def list_webhooks(runtime: RuntimeDep) -> WebhookList:
    """Every endpoint, with its state (enabled, failing since, disabled by Rejoinder)."""
    async with runtime.db.read() as conn:
        return WebhookList(endpoints=await queries.list_endpoints(conn, runtime.clock.now()))


@get(ONE, **OPTIONS)  # type: ignore[arg-type]
async def get_webhook(endpoint_id: EndpointId, runtime: RuntimeDep) -> WebhookView:
    """One endpoint (never its secret)."""
    async with runtime.db.read() as conn:
        return await queries.get_endpoint(conn, endpoint_id, runtime.clock.now())


@patch(ONE, **OPTIONS)  # type: ignore[arg-type]
async def update_webhook(
    endpoint_id: EndpointId, data: JSONBody[WebhookUpdate], runtime: RuntimeDep
) -> WebhookView:
    """Change the URL, the event types or the description; disable or enable it."""
    return await service.update_endpoint(runtime, endpoint_id, data)


@delete(ONE, **OPTIONS)  # type: ignore[arg-type]
async def delete_webhook(endpoint_id: EndpointId, runtime: RuntimeDep) -> None:
    """Delete the endpoint and its deliveries."""
    await service.delete_endpoint(runtime, endpoint_id)


@post(ONE + "/rotate-secret", status_code=200, **OPTIONS)  # type: ignore[arg-type]
async def rotate_webhook_secret(endpoint_id: EndpointId, runtime: RuntimeDep) -> WebhookWithSecret:
    """A new secret, shown this once. Until `previous_secret_expires_at` every delivery is
    signed with both (two signatures in `webhook-signature`)."""
    return await service.rotate_secret(runtime, endpoint_id)


@get(ONE + "/deliveries", **OPTIONS)  # type: ignore[arg-type]
async def list_webhook_deliveries(
    endpoint_id: EndpointId,
    runtime: RuntimeDep,
    before: Annotated[
        int | None, QueryParameter(ge=1, le=MAX_ID, description="Deliveries older than this id.")
    ] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=100, description="At most this many.")] = 50,
) -> DeliveryList:
    """The endpoint's deliveries, newest first: status, attempts, response code, timing."""
    async with runtime.db.read() as conn:
        return await queries.list_deliveries(conn, endpoint_id, before, limit)


@post(ONE + "/deliveries/{delivery_id:int}/redeliver", status_code=200, **OPTIONS)  # type: ignore[arg-type]
async def redeliver_webhook(
    endpoint_id: EndpointId, delivery_id: DeliveryId, runtime: RuntimeDep
) -> DeliveryView:
    """Send a delivery again, now, with the same `webhook-id` and body."""
    return await service.redeliver(runtime, endpoint_id, delivery_id)


ROUTES = [
    create_webhook,
    list_webhooks,
    get_webhook,
    update_webhook,
    delete_webhook,
    rotate_webhook_secret,
    list_webhook_deliveries,
    redeliver_webhook,
]
