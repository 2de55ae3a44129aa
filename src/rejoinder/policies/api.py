"""HTTP handlers of the policies on the desk: protection alerts and their one-click reopen."""

from __future__ import annotations

from typing import Annotated

from litestar import get, post
from litestar.params import PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK

from rejoinder.accounts.dependencies import CurrentViewer
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.bounds import LINE, MAX_ID
from rejoinder.moderation.access import scope_for
from rejoinder.policies import protection, queries
from rejoinder.policies.schemas import ProtectionAlerts, Reopened

BASE = "/api/v1/moderation/protections"
TAGS = ["moderation"]
SECURITY: list[dict[str, list[str]]] = [{"reader": []}]
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Site = Annotated[str | None, QueryParameter(max_length=64, pattern=LINE, description="A site id.")]


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


ROUTES = [list_alerts, reopen_alert]
