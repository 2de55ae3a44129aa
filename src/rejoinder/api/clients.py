"""Who the client is: ``X-Forwarded-For`` is believed only from ``server.trusted_proxies``.

uvicorn's ``ProxyHeadersMiddleware`` does the parsing (addresses, CIDR ranges, ``*``; the
client is the right-most forwarded address that is not itself a trusted proxy). It runs inside
the app rather than in ``rejoinder serve`` so that the rule is the same under any ASGI server
and in tests. Handlers pass the resolved address to the actions that need it
(``rejoinder.api.dependencies.client_address``).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


def install_client_resolution(app: Litestar, trusted_proxies: list[str]) -> None:
    """Resolve the client before Litestar sees the request."""
    # uvicorn types its middleware with its own ASGI aliases; the protocol is the same.
    inner: Any = app.asgi_handler
    handler: Any = ProxyHeadersMiddleware(inner, trusted_hosts=trusted_proxies)
    app.asgi_handler = handler


async def _nothing(scope: Any, receive: Any, send: Any) -> None:
    """The app behind a resolver: the resolved scope is all it wanted."""


class ClientResolver:
    """The same rule for a layer in front of the app (the fast path's access-log lines)."""

    def __init__(self, trusted_proxies: list[str]) -> None:
        self._middleware: Any = ProxyHeadersMiddleware(_nothing, trusted_hosts=trusted_proxies)

    async def address(self, scope: Any) -> str:
        """The client's address as the app behind the resolution sees it."""
        probe = dict(scope)  # the request's own scope is resolved again, inside
        await self._middleware(probe, None, None)
        return str((probe.get("client") or ("",))[0])
