"""HTTP handlers of the policies on the desk: protection alerts and their one-click reopen."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Request, get, post
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.api.dependencies import RuntimeDep, client_address
from rejoinder.moderation.access import scope_for
from rejoinder.moderation.api import SECURITY, TAGS, Id, Site
from rejoinder.policies import protection, queries, takedowns
from rejoinder.policies.schemas import (
    ProtectionAlerts,
    Reopened,
    TakedownCreate,
    TakedownDecision,
    TakedownQueue,
    TakedownReceipt,
    TakedownView,
)
from rejoinder.stories.queries import require_site
from rejoinder.stories.schemas import SiteId

BASE = "/api/v1/moderation/protections"


@get(BASE, tags=TAGS, security=SECURITY)
async def list_alerts(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    site: Site = None,
    active: Annotated[
        bool, QueryParameter(description="Only stories still closed by the rule.")
    ] = True,
) -> ProtectionAlerts:
    """Stories a site's protection rule closed automatically (the desk's alerts)."""
    async with runtime.db.read() as conn:
        scope = await scope_for(conn, me)
        return await queries.alerts(conn, scope, site, active=active)


@post(f"{BASE}/{{alert_id:int}}/reopen", tags=TAGS, security=SECURITY, status_code=HTTP_200_OK)
async def reopen_alert(*, runtime: RuntimeDep, me: CurrentViewer, alert_id: Id) -> Reopened:
    """Reopen the story: its status and message from before the rule closed it come back."""
    async with runtime.db.read() as conn:
        scope = await scope_for(conn, me)
    result = await protection.reopen(runtime, scope, alert_id)
    return Reopened(id=result["id"], reopened_at=result["reopened_at"])


@post(
    "/api/v1/sites/{site:str}/takedowns",
    tags=["takedowns"],
    status_code=HTTP_201_CREATED,
    security=[],
)
async def file_takedown(
    *,
    site: SiteId,
    runtime: RuntimeDep,
    data: JSONBody[TakedownCreate],
    request: Request[Any, Any, Any],
) -> TakedownReceipt:
    """Ask for a comment's removal on legal grounds (anyone, signed in or not). The desk
    decides by ``deadline_at`` and the answer, with its reason, goes to ``contact_email``.
    Rate-limited per client address."""
    found = require_site(runtime.settings, site)
    return await takedowns.file_request(runtime, found, data, client_address(request))


TAKEDOWNS = "/api/v1/moderation/takedowns"


@get(TAKEDOWNS, tags=TAGS, security=SECURITY)
async def takedown_queue(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    site: Site = None,
    status: Annotated[
        Literal["open", "removed", "kept", "all"],
        QueryParameter(description="Which requests (default: open ones, nearest deadline first)."),
    ] = "open",
) -> TakedownQueue:
    """The Takedown queue with its statutory clock (`days_left`, `due_soon`, `overdue`)."""
    async with runtime.db.read() as conn:
        scope = await scope_for(conn, me)
        return await takedowns.queue(runtime, conn, scope, site, status)


@post(
    f"{TAKEDOWNS}/{{request_id:int}}/decision",
    tags=TAGS,
    security=SECURITY,
    status_code=HTTP_200_OK,
)
async def decide_takedown(
    *,
    runtime: RuntimeDep,
    me: CurrentViewer,
    request_id: Id,
    data: JSONBody[TakedownDecision],
) -> TakedownView:
    """Remove the comment or keep it, with a reason that is sent back to the requester."""
    async with runtime.db.read() as conn:
        scope = await scope_for(conn, me)
    return await takedowns.decide(runtime, scope, request_id, data)


ROUTES = [list_alerts, reopen_alert, file_takedown, takedown_queue, decide_takedown]
