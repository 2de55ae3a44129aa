"""``Observe``: the ASGI layer around Litestar (and around the cached-page fast path when its
hits are access-logged; otherwise the fast path sits outside and uses ``HitObserver``).

For every HTTP request it settles the request id (a sane incoming ``X-Request-Id`` is kept, so
a proxy's id follows the request; anything else is replaced), makes it visible to every log
line written while the request runs, returns it in the response, times the request into the
per-route histogram and writes one access-log line. It also restores ``Vary: Accept-Encoding``
on compressed responses (see ``_vary_on_encoding``). The route is Litestar's path template
(``/api/v1/sites/{site}/...``), never the raw path: bounded label values, no ids or
personal data in metrics or logs.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from typing import Any

from rejoinder.observability.logs import request_id
from rejoinder.observability.metrics import UNMATCHED, Metrics

access = logging.getLogger("rejoinder.access")
_SANE_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# The fast path answers before Litestar routes, so its hits carry no template: name them here.
_FAST = re.compile(r"^/api/v1/sites/[^/]+/stories/[^/]+/comments$")
FAST_ROUTE = "/api/v1/sites/{site}/stories/{story_id}/comments"  # Litestar's template


def _vary_on_encoding(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """An encoded response must say it varies on Accept-Encoding.

    Litestar's CORS middleware, which runs after its compression, sets ``Vary: Origin`` over
    the compression's ``Vary: Accept-Encoding``; a shared cache would then hand brotli bytes
    to a client that cannot read them. Put it back here, where every response passes.
    """
    for name, _ in headers:  # a plain loop: this runs on every response, cached pages too
        if name == b"content-encoding":
            break
    else:
        return headers
    out, found = [], False
    for name, value in headers:
        if name == b"vary":
            found = True
            if b"accept-encoding" not in value.lower():
                out.append((name, value + b", Accept-Encoding"))
                continue
        out.append((name, value))
    if not found:
        out.append((b"vary", b"Accept-Encoding"))
    return out


def _incoming_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"x-request-id":
            return value.decode("ascii") if _SANE_ID.match(value) else None
    return None


# A fresh id: a random per-process prefix (the high 48 bits) and a counter (the low 48), as 24
# hex digits. Unique across processes and restarts without a system call per request; an id
# names a request, it is not a secret.
_IDS = itertools.count(int.from_bytes(os.urandom(6)) << 48 | 1)


def request_id_for(headers: list[tuple[bytes, bytes]]) -> str:
    """The request's id: a sane incoming ``X-Request-Id`` (a proxy's) or a fresh one."""
    return _incoming_id(headers) or next(_IDS).to_bytes(12).hex()


class HitObserver:
    """What ``Observe`` does for a request, done for the cached-page fast path when it runs
    outside it: the request id, one latency sample and the cache hit for a hit (no access-log
    line: hits are not logged by default, ``logging.access_log_cache_hits``); for a miss it
    reads itself, the request id in the log lines, a sample and the access-log line."""

    __slots__ = ("_access_log", "_reads", "hit")

    def __init__(self, metrics: Metrics, *, access_log: bool = True) -> None:
        # ``hit(seconds, ended)``: the sample itself, no call in between (every hit pays it)
        self.hit = metrics.batched_request("GET", FAST_ROUTE, 200, cache_hit=True).add
        self._reads = metrics.batched_request("GET", FAST_ROUTE, 200, cache_hit=False)
        self._access_log = access_log

    def request_id(self, incoming: bytes | None) -> bytes:
        if incoming is not None and _SANE_ID.match(incoming):
            return incoming
        return next(_IDS).to_bytes(12).hex().encode("ascii")

    def begin(self, rid: bytes) -> Any:
        return request_id.set(rid.decode("ascii"))

    def end(self, began: Any) -> None:
        request_id.reset(began)

    def read(self, began: Any, started: float, ended: float, client: str) -> None:
        seconds = ended - started
        self._reads.add(seconds, ended)
        if self._access_log:
            log_access("GET", FAST_ROUTE, 200, seconds, client)
        request_id.reset(began)


def log_access(method: str, route: str, status: int, seconds: float, client: str) -> None:
    """The access-log line of one request."""
    if access.isEnabledFor(logging.INFO):
        access.info(
            "%s %s %d",
            method,
            route,
            status,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                # The reader's address as resolved from trusted proxies' headers.
                "client": client,
            },
        )


class Observe:
    def __init__(
        self,
        inner: Any,
        metrics: Metrics,
        *,
        access_log: bool = True,
        access_log_cache_hits: bool = False,
    ) -> None:
        self.inner = inner
        self.metrics = metrics
        self.access_log = access_log
        self.access_log_cache_hits = access_log_cache_hits

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id_for(scope["headers"])
        token = request_id.set(rid)
        header = (b"x-request-id", rid.encode("ascii"))
        status = 500  # if the app dies before answering, that is what the client sees

        async def send_with_id(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = _vary_on_encoding(list(message.get("headers", ())))
                headers.append(header)
                message["headers"] = headers
            await send(message)

        try:
            await self.inner(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = scope.get("path_template") or (
                FAST_ROUTE if _FAST.match(scope["path"]) else UNMATCHED
            )
            self.metrics.observe_request(scope["method"], route, status, seconds)
            # A page the fast path answered (Litestar never routed it) is a cache hit.
            hit = route == FAST_ROUTE and "path_template" not in scope
            if self.access_log and (self.access_log_cache_hits or not hit):
                client = (scope.get("client") or ("",))[0]
                log_access(scope["method"], route, status, seconds, client)
            request_id.reset(token)
