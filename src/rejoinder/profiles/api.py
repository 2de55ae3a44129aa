"""HTTP handlers for the reader's own profile."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, put
from litestar.params import JSONBody, Parameter

from rejoinder.accounts.dependencies import CurrentViewer, OptionalViewer
from rejoinder.api.dependencies import RuntimeDep, client_address
from rejoinder.kernel.errors import RateLimited
from rejoinder.profiles import service
from rejoinder.profiles.queries import me_view
from rejoinder.profiles.schemas import MeView, NameCheck, ProfileUpdate

READER: list[dict[str, list[str]]] = [{"reader": []}]


@get("/api/v1/me", tags=["profile"], security=READER)
async def get_me(
    me: CurrentViewer,
    runtime: RuntimeDep,
    site: Annotated[
        str | None,
        Parameter(
            max_length=64,
            description="The site the reader is on: its own requirements (a registered name) "
            "join `comment_blocked`.",
        ),
    ] = None,
) -> MeView:
    """Who I am, my plan, and whether I may comment — if not, the first reason why."""
    return await me_view(runtime, me.account_id, site)


@put("/api/v1/me/profile", tags=["profile"], security=READER)
async def put_profile(
    data: JSONBody[ProfileUpdate], me: CurrentViewer, runtime: RuntimeDep
) -> MeView:
    """Create or change my display name, bio and registered name (the Profile section)."""
    await service.update_profile(
        runtime,
        me,
        data.display_name,
        data.bio,
        registered_first_name=data.registered_first_name,
        registered_surname=data.registered_surname,
    )
    return await me_view(runtime, me.account_id)


@get("/api/v1/display-names/check", tags=["profile"])
async def check_name(
    runtime: RuntimeDep,
    viewer: OptionalViewer,
    name: Annotated[str, Parameter(max_length=256, description="The name being typed.")],
    request: Request[Any, Any, Any],
) -> NameCheck:
    """Live feedback on a display name: the policy's verdict and whether it is free.

    Rate-limited per account, and per client address for anonymous checks."""
    who = f"account:{viewer.account_id}" if viewer else f"address:{client_address(request)}"
    wait = await runtime.limiter.hit(f"name-check:{who}", limit=120, window_seconds=60)
    if wait is not None:
        raise RateLimited("Slow down a little.", retry_after=wait)
    return await service.check_display_name(runtime, name, viewer.account_id if viewer else None)


ROUTES = [get_me, put_profile, check_name]
