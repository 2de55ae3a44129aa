"""Who the client is: ``X-Forwarded-For`` is believed only from ``server.trusted_proxies``.

uvicorn's ``ProxyHeadersMiddleware`` does the parsing (addresses, CIDR ranges, ``*``; the
client is the right-most forwarded address that is not itself a trusted proxy). It runs inside
the app rather than in ``rejoinder serve`` so that the rule is the same under any ASGI server
and in tests. The resolved address is also put in ``rejoinder.kernel.context`` for actions
that are reached without the request (lazy story creation).
"""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from rejoinder.kernel.context import set_client


class _RecordClient:
    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        client = scope.get("client")
        set_client(client[0] if client else "unknown")
        await self.inner(scope, receive, send)


def install_client_resolution(app: Litestar, trusted_proxies: list[str]) -> None:
    """Resolve the client before anything else sees the request (the fast path included)."""
    # uvicorn types its middleware with its own ASGI aliases; the protocol is the same.
    handler: Any = ProxyHeadersMiddleware(
        _RecordClient(app.asgi_handler), trusted_hosts=trusted_proxies
    )
    app.asgi_handler = handler
