"""HTTP handlers of the plan-sync API, for the publisher's billing system (admin API key)."""

from __future__ import annotations

from typing import Annotated

from litestar import get, put
from litestar.params import JSONBody, Parameter

from rejoinder.accounts import service as accounts_service
from rejoinder.accounts.dependencies import require_admin_key
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import LINE
from rejoinder.plans import service
from rejoinder.plans.queries import subscriber_view
from rejoinder.plans.schemas import SubscriberPlan, SubscriberRole, SubscriberView

ADMIN: list[dict[str, list[str]]] = [{"admin_key": []}]
ExternalId = Annotated[
    str,
    Parameter(
        min_length=1, max_length=255, pattern=LINE, description="The publisher's subscriber id."
    ),
]


@put(
    "/api/v1/admin/subscribers/{external_id:str}",
    tags=["admin"],
    security=ADMIN,
    guards=[require_admin_key],
)
async def put_subscriber_plan(
    external_id: ExternalId, data: JSONBody[SubscriberPlan], runtime: RuntimeDep
) -> SubscriberView:
    """Set a subscriber's plan (subscription started, changed, lapsed or cancelled).

    Takes effect at once, also for access tokens already issued. Creates the subscriber when
    they have not signed in yet. Idempotent; every change is kept in the plan history.
    """
    result = await service.sync_subscriber(runtime, external_id, data.plan)
    view = await subscriber_view(runtime, external_id)
    view.created, view.changed = result.created, result.changed
    return view


@get(
    "/api/v1/admin/subscribers/{external_id:str}",
    tags=["admin"],
    security=ADMIN,
    guards=[require_admin_key],
)
async def get_subscriber(external_id: ExternalId, runtime: RuntimeDep) -> SubscriberView:
    """A subscriber's current plan, role and plan history."""
    return await subscriber_view(runtime, external_id)


@put(
    "/api/v1/admin/subscribers/{external_id:str}/role",
    tags=["admin"],
    security=ADMIN,
    guards=[require_admin_key],
)
async def put_subscriber_role(
    external_id: ExternalId, data: JSONBody[SubscriberRole], runtime: RuntimeDep
) -> SubscriberView:
    """Grant a role: commenter, staff (badged), moderator or admin."""
    view = await subscriber_view(runtime, external_id)
    await accounts_service.set_role(runtime, view.account_id, data.role)
    return await subscriber_view(runtime, external_id)


ROUTES = [put_subscriber_plan, get_subscriber, put_subscriber_role]
