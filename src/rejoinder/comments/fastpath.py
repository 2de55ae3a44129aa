"""The ASGI fast path: a cached first page is sent before Litestar routes the request.

Only a plain ``GET`` of a story's comments qualifies (a known sort and limit, a cursor).
An anonymous reader gets the cached bytes: a regex match, a dict lookup and two ``send``
calls. A signed-in reader whose token lookup is in the viewer cache gets the cached page with
their overlay (one indexed read, ``comments.reading.overlaid``).

An anonymous miss of an existing story's first page, and any anonymous later page (with a
``cursor``: never cached), is read here too (``comments.reading.read_page``, which
fills the cache) and answered like a hit: routing, dependency injection and the response
object cost as much CPU as reading the page itself. Anything else goes through Litestar as
usual: a signed-in reader not in the viewer cache, a page that may create its story (``url``),
and every error, since Litestar's answers are the contract (a miss that fails here is
answered by Litestar from the start).

It is the outermost layer (``rejoinder.app``): a hit pays for no other middleware. What the
outer layers would have done for it, a request id and a latency sample, a ``HitObserver``
does; when hits must be access-logged, the fast path goes inside those layers instead.
"""

from __future__ import annotations

import re
from time import perf_counter
from typing import Any, NamedTuple, Protocol, cast
from urllib.parse import parse_qsl

from litestar import Litestar

from rejoinder.accounts.viewer import Viewer
from rejoinder.api.clients import ClientResolver
from rejoinder.api.cors import cors_config
from rejoinder.comments.cache import CachedPage
from rejoinder.comments.reading import Parts, fill_page, overlaid, page_key, read_page
from rejoinder.comments.schemas import Sort
from rejoinder.kernel.encodings import accepted_encodings
from rejoinder.kernel.tokens import digest
from rejoinder.runtime import Runtime

PATH = re.compile(r"^/api/v1/sites/([a-z0-9][a-z0-9_-]{0,63})/stories/([^/]{1,255})/comments$")
SORTS = frozenset({"newest", "oldest", "reactions", "replies"})
IGNORED = frozenset({"url", "title"})  # only used when the story does not exist yet
FAST_ROUTE = "/api/v1/sites/{site}/stories/{story_id}/comments"  # Litestar's template


class HitObserver(Protocol):
    """The request id and the latency sample of a hit (``rejoinder.observability``)."""

    def request_id(self, headers: list[tuple[bytes, bytes]]) -> bytes: ...

    def hit(self, started: float, ended: float) -> None:
        """A hit answered between these ``perf_counter`` readings."""
        ...

    def begin(self, request_id: bytes) -> Any:
        """A miss read here starts: log lines written meanwhile carry ``request_id``."""
        ...

    def end(self, began: Any) -> None:
        """A miss read here is handed to Litestar after all."""
        ...

    def read(self, began: Any, started: float, ended: float, client: str) -> None:
        """A miss read here was answered (and ends): its latency sample and access-log line."""
        ...


class Query(NamedTuple):
    sort: Sort
    limit: int | None  # as asked
    key: str  # the page's cache key
    creates: bool  # ``url`` or ``title`` given: a miss may create the story
    cursor: str | None  # a later page: read, never cached


def _query(runtime: Runtime, site: str, story: str, query: bytes) -> Query | None:
    comments = runtime.settings.comments
    sort: Sort = "newest"
    limit, asked, creates, cursor = comments.page_size, None, False, None
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "cursor" and value and cursor is None:
                cursor = value
            elif name == "sort" and value in SORTS:
                sort = cast("Sort", value)
            elif name == "limit" and value.isdigit() and 1 <= int(value) <= 200:
                asked = int(value)
                limit = min(asked, comments.max_page_size)
            elif name in IGNORED:
                creates = True
            else:
                return None
    return Query(sort, asked, page_key(site, story, sort, limit), creates, cursor)


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
        self.clients = ClientResolver(runtime.settings.server.trusted_proxies)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            match = PATH.match(scope["path"])
            if match is not None and await self._hit(match, scope, send, perf_counter()):
                return
        await self.inner(scope, receive, send)

    async def _hit(self, match: re.Match[str], scope: Any, send: Any, started: float) -> bool:
        query = _query(self.runtime, match[1], match[2], scope["query_string"])
        token = _bearer(scope["headers"])
        if query is None or token is None:
            return False
        runtime = self.runtime
        sort = query.sort
        now = runtime.clock.now().timestamp()
        if query.cursor is not None:  # a later page: anonymous ones are read here
            anonymous = not token and not query.creates
            return anonymous and await self._read(match, query, scope, send, started)
        viewer = runtime.viewers.get(digest(token.decode("latin-1")), now) if token else None
        if token and viewer is None:
            return False  # Litestar looks the token up (and answers 401 if it is bad)
        page = await runtime.cache.get(query.key, now)
        if page is None:  # an anonymous miss is read here, like a later page
            anonymous = not token and not query.creates
            return anonymous and await self._read(match, query, scope, send, started)
        if viewer is not None and not isinstance(page.parts, Parts):
            return False  # a page without its parts (a shared cache's): no overlay here
        await self._send(page, viewer, sort, scope, send)
        if self.observer is not None:
            self.observer.hit(started, perf_counter())
        return True

    async def _read(
        self,
        match: re.Match[str],
        query: Query,
        scope: Any,
        send: Any,
        started: float,
    ) -> bool:
        """An anonymous miss (read here, filling the cache) or later page (read here, never
        cached), answered like a hit; ``False`` hands the request to Litestar."""
        observer, runtime = self.observer, self.runtime
        rid = observer.request_id(scope["headers"]) if observer is not None else None
        began = observer.begin(rid) if observer is not None and rid is not None else None
        try:
            if query.cursor is None:
                page = await fill_page(runtime, match[1], match[2], query.sort, query.limit)
            else:  # never cached: a page for this answer alone
                body = await read_page(
                    runtime,
                    match[1],
                    match[2],
                    sort=query.sort,
                    limit=query.limit,
                    cursor=query.cursor,
                    url=None,
                    title=None,
                    viewer=None,
                )
                page = CachedPage(body, 0.0)
        except Exception:  # noqa: BLE001 - Litestar answers it: its errors are the contract
            if observer is not None:
                observer.end(began)
            return False
        if observer is None:
            scope["path_template"] = FAST_ROUTE  # the outer layer logs it as a read
        await self._send(page, None, query.sort, scope, send, rid)
        if observer is not None:
            client = await self.clients.address(scope)
            observer.read(began, started, perf_counter(), client)
        return True

    async def _send(  # noqa: PLR0917
        self,
        page: CachedPage,
        viewer: Viewer | None,
        sort: str,
        scope: Any,
        send: Any,
        rid: bytes | None = None,
    ) -> None:
        runtime = self.runtime
        body, cache_control = page.body, b"no-cache"
        encoded = False
        if viewer is not None:
            assert isinstance(page.parts, Parts)  # checked by the caller
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
            headers.append((b"x-request-id", rid or observer.request_id(scope["headers"])))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def install_fast_path(app: Litestar, runtime: Runtime, observer: HitObserver | None) -> None:
    """Put the fast path in front of everything installed so far (Litestar's router and
    whatever wraps it). ``observer`` gives hits their request id and latency sample when
    no outer layer does."""
    app.asgi_handler = FastPath(app.asgi_handler, runtime, observer)
