"""``OPTIONS`` answered with every method of its path.

Litestar 2 answers ``OPTIONS`` itself, with an ``Allow`` header from the handlers registered
on the path when it first saw it: a path served by several handler functions (``GET`` and
``PUT`` of ``/me/notification-settings``) listed only the first one's methods (litestar-org/
litestar#4169, fixed in Litestar 3 only). So each such path gets its own ``OPTIONS`` handler,
registered before the others, that names them all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from litestar import Response, route
from litestar.handlers import HTTPRouteHandler
from litestar.types import ControllerRouterHandler


def with_options(handlers: Sequence[ControllerRouterHandler]) -> list[ControllerRouterHandler]:
    """``handlers`` after an ``OPTIONS`` handler for every path that several of them serve."""
    methods: dict[str, set[str]] = defaultdict(set)
    served: dict[str, int] = defaultdict(int)
    for handler in handlers:
        if isinstance(handler, HTTPRouteHandler):
            for path in handler.paths:
                methods[path] |= set(handler.http_methods)
                served[path] += 1
    shared = [p for p, count in served.items() if count > 1 and "OPTIONS" not in methods[p]]
    return [*(_options(path, methods[path]) for path in shared), *handlers]


def _options(path: str, methods: set[str]) -> HTTPRouteHandler:
    allow = ", ".join(sorted(methods | {"OPTIONS"}))

    async def options() -> Response[None]:
        return Response(None, status_code=204, headers={"Allow": allow})

    # One function per path: Litestar names handlers after their function.
    options.__name__ = options.__qualname__ = "options_" + "".join(
        c if c.isalnum() else "_" for c in path
    )
    return route(path, http_method="OPTIONS", include_in_schema=False)(options)
