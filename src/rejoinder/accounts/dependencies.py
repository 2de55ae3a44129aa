"""Who is calling: reader tokens and admin API keys, as Litestar dependencies."""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency, Provide

from rejoinder.accounts.queries import viewer_for_token
from rejoinder.accounts.viewer import Viewer
from rejoinder.api.dependencies import RuntimeDep, bearer_token
from rejoinder.kernel.errors import NotAuthenticated
from rejoinder.kernel.tokens import digest
from rejoinder.runtime import Runtime

# Handlers declare what they need: `viewer: OptionalViewer`, `me: CurrentViewer`, `admin: AdminKey`.
OptionalViewer = NamedDependency[Viewer | None]
CurrentViewer = NamedDependency[Viewer]
AdminKey = NamedDependency[str]


async def optional_viewer(request: Request[Any, Any, Any], runtime: RuntimeDep) -> Viewer | None:
    """The signed-in reader, or ``None``. A presented but invalid token is an error, not anon."""
    token = bearer_token(request)
    if token is None:
        return None
    viewer = await lookup_viewer(runtime, token, fresh=request.method not in {"GET", "HEAD"})
    if viewer is None:
        raise NotAuthenticated(
            "Your session has expired or was signed out; sign in again.", code="invalid_token"
        )
    return viewer


async def lookup_viewer(runtime: Runtime, token: str, *, fresh: bool = True) -> Viewer | None:
    """The token's viewer: read fresh for writes, possibly from the short-lived viewer cache
    for reads (``accounts.cache``; events drop an account's entries in every process)."""
    settings, now = runtime.settings, runtime.clock.now()
    cache = runtime.viewers
    key = digest(token)
    moment = now.timestamp()
    if not fresh and cache.enabled:
        hit = cache.get(key, moment)
        if hit is not None:
            return hit
    generation = cache.generation()
    viewer = await runtime.db.run_read(viewer_for_token, token, settings, now)
    if viewer is not None:
        cache.put(key, viewer, moment, generation)
    return viewer


async def current_viewer(viewer: OptionalViewer) -> Viewer:
    if viewer is None:
        raise NotAuthenticated("Sign in to do this.", code="authentication_required")
    return viewer


def check_admin_key(presented: str | None, runtime: Runtime) -> None:
    """The server-to-server admin API key, compared in constant time against each one."""
    if presented is None:
        raise NotAuthenticated(
            "This endpoint needs an admin API key: Authorization: Bearer <key>.",
            code="admin_key_required",
        )
    for key in runtime.settings.accounts.admin_api_keys:
        if hmac.compare_digest(presented.encode(), key.encode()):
            return
    raise NotAuthenticated("The admin API key is not valid.", code="invalid_admin_key")


async def require_admin_key(connection: ASGIConnection[Any, Any, Any, Any], _: object) -> None:
    """Guard for the admin API (plan sync, stories): ``guards=[require_admin_key]``."""
    check_admin_key(bearer_token(connection), connection.app.state.runtime)


async def admin_key(request: Request[Any, Any, Any], runtime: RuntimeDep) -> str:
    """The same check as a dependency, for handlers that want the key's presence explicit."""
    check_admin_key(bearer_token(request), runtime)
    return "admin-key"


DEPENDENCIES = {
    "viewer": Provide(optional_viewer),
    "me": Provide(current_viewer),
    "admin": Provide(admin_key),
}
