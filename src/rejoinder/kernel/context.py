"""Per-request facts that actions deep in a call chain need without every caller passing them.

Only the client address lives here: the ASGI layer (``rejoinder.api.clients``) sets it once per
request, after resolving trusted proxies, and anything below may read it.
"""

from __future__ import annotations

from contextvars import ContextVar

_CLIENT: ContextVar[str] = ContextVar("rejoinder_client_address", default="unknown")


def current_client() -> str:
    """The address of the client of the request being served (``unknown`` outside one)."""
    return _CLIENT.get()


def set_client(address: str) -> None:
    _CLIENT.set(address)
