"""The ASGI fast path: a cached first page is sent before Litestar routes the request.

Only a plain ``GET`` of a story's first page qualifies (no cursor, a known sort and limit).
An anonymous reader gets the cached bytes: a regex match, a dict lookup and two ``send``
calls. A signed-in reader whose token lookup is in the viewer cache gets the cached page with
their overlay (one indexed read, ``comments.reading.overlaid``). Anything else, and every miss,
goes through Litestar as usual, which fills the caches.

It is the outermost layer (``rejoinder.app``): a hit pays for no other middleware. What the
outer layers would have done for it, a request id and a latency sample, a ``HitObserver``
does; when hits must be access-logged, the fast path goes inside those layers instead.
"""

from __future__ import annotations

import re
from time import perf_counter
from typing import Any, Protocol
from urllib.parse import parse_qsl

from litestar import Litestar

from rejoinder.api.cors import cors_config
from rejoinder.comments.reading import Parts, overlaid, page_key
from rejoinder.kernel.encodings import accepted_encodings
from rejoinder.kernel.tokens import digest
from rejoinder.runtime import Runtime

PATH = re.compile(r"^/api/v1/sites/([a-z0-9][a-z0-9_-]{0,63})/stories/([^/]{1,255})/comments$")
SORTS = frozenset({"newest", "oldest", "reactions", "replies"})
IGNORED = frozenset({"url", "title"})  # only used when the story does not exist yet


class HitObserver(Protocol):
    """The request id and the latency sample of a hit (``rejoinder.observability``)."""

    def request_id(self, headers: list[tuple[bytes, bytes]]) -> bytes: ...

    def hit(self, started: float, ended: float) -> None:
        """A hit answered between these ``perf_counter`` readings."""
        ...


def _sort_and_key(runtime: Runtime, site: str, story: str, query: bytes) -> tuple[str, str] | None:
    comments = runtime.settings.comments
    sort, limit = "newest", comments.page_size
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "sort" and value in SORTS:
                sort = value
            elif name == "limit" and value.isdigit() and 1 <= int(value) <= 200:
                limit = min(int(value), comments.max_page_size)
            elif name not in IGNORED:
                return None
    return sort, page_key(site, story, sort, limit)


def _bearer(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    """The Authorization header's value: ``b""`` for none, ``None`` if not a bearer token."""
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            return token.strip() if scheme.lower() == b"bearer" and token.strip() else None
    return b""


def _accepts_brotli(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, value in headers:
        if name == b"accept-encoding":
            return "br" in accepted_encodings(value.decode("latin-1"))
    return False


def _origin_header(
    allowed: re.Pattern[str] | None, headers: list[tuple[bytes, bytes]]
) -> bytes | None:
    """The CORS answer Litestar's middleware would give: echo an allowed origin."""
    if allowed is None:
        return None
    for name, value in headers:
        if name == b"origin":
            origin = value.decode("latin-1")
            return value if allowed.fullmatch(origin) else None
    return None


class FastPath:
    def __init__(self, inner: Any, runtime: Runtime, observer: HitObserver | None) -> None:
        self.inner = inner
        self.runtime = runtime
        self.observer = observer
        compression = runtime.settings.compression
        self.compress_above = compression.minimum_bytes if compression.enabled else None
        cors = cors_config(runtime.settings)
        pattern = cors.allow_origin_regex if cors is not None else None
        self.allowed_origins = re.compile(pattern) if pattern else None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = PATH.match(scope["path"])
            if match is not None and await self._hit(match, scope, send, perf_counter()):
                return
        await self.inner(scope, receive, send)

    async def _hit(self, match: re.Match[str], scope: Any, send: Any, started: float) -> bool:
        found = _sort_and_key(self.runtime, match[1], match[2], scope["query_string"])
        token = _bearer(scope["headers"])
        if found is None or token is None:
            return False
        runtime = self.runtime
        sort, key = found
        now = runtime.clock.now().timestamp()
        viewer = runtime.viewers.get(digest(token.decode("latin-1")), now) if token else None
        if token and viewer is None:
            return False  # Litestar looks the token up (and answers 401 if it is bad)
        page = await runtime.cache.get(key, now)
        if page is None:
            return False
        body, cache_control = page.body, b"no-cache"
        encoded = False
        if viewer is not None:
            if not isinstance(page.parts, Parts):
                return False
            body = await overlaid(runtime, page.parts, viewer, sort)
            cache_control = b"private, no-cache"
        elif (
            self.compress_above is not None
            and len(body) >= self.compress_above
            and _accepts_brotli(scope["headers"])
        ):
            body, encoded = page.brotli(), True
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", cache_control),
            # The same URL answers brotli or plain bytes, by the request's Accept-Encoding.
            (b"vary", b"Origin, Authorization, Accept-Encoding"),
        ]
        if encoded:
            headers.append((b"content-encoding", b"br"))
        origin = _origin_header(self.allowed_origins, scope["headers"])
        if origin is not None:
            headers.append((b"access-control-allow-origin", origin))
        observer = self.observer
        if observer is not None:
            headers.append((b"x-request-id", observer.request_id(scope["headers"])))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if observer is not None:
            observer.hit(started, perf_counter())
        return True


def install_fast_path(app: Litestar, runtime: Runtime, observer: HitObserver | None) -> None:
    """Put the fast path in front of everything installed so far (Litestar's router and
    whatever wraps it). ``observer`` gives hits their request id and latency sample when
    no outer layer does."""
    app.asgi_handler = FastPath(app.asgi_handler, runtime, observer)
