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

It is in front of everything (``rejoinder.app.Rejoinder.front``): a hit pays for no
middleware and not for Litestar's own entry. What the outer layers would have done for it, a
request id and a latency sample, a ``HitObserver`` does; when hits must be access-logged, the
fast path goes inside those layers instead (``install_fast_path``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from time import perf_counter
from typing import Any, NamedTuple, Protocol, cast
from urllib.parse import parse_qsl

from litestar import Litestar

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

    def request_id(self, incoming: bytes | None) -> bytes:
        """A sane incoming ``X-Request-Id`` (a proxy's) or a fresh one."""
        ...

    def hit(self, seconds: float, ended: float) -> None:
        """A hit answered in ``seconds``, ending at ``ended`` (a ``perf_counter`` reading)."""
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
    site: str
    story: str
    sort: Sort
    limit: int | None  # as asked
    key: str  # the page's cache key
    creates: bool  # ``url`` or ``title`` given: a miss may create the story
    cursor: str | None  # a later page: read, never cached


# The longest path and query worth remembering: a page's address is far shorter, so anything
# longer (never a widget's own request) is parsed each time and cannot fill the memory.
_REMEMBERED = 512


class Router:
    """What a path and query ask the fast path for, or ``None`` if it is not for it.

    The same few stories' addresses come over and over: each answer is remembered (a bounded
    LRU), so that a hit pays for one lookup instead of a regex and a query parse."""

    def __init__(self, page_size: int, most: int) -> None:
        self._page_size, self._most = page_size, most
        self._remembered = lru_cache(maxsize=4096)(self._route)

    def __call__(self, path: str, query: bytes) -> Query | None:
        if len(path) + len(query) > _REMEMBERED:
            return self._route(path, query)
        return self._remembered(path, query)

    def _route(self, path: str, query: bytes) -> Query | None:
        match = PATH.match(path)
        if match is None:
            return None
        site, story = match[1], match[2]
        sort: Sort = "newest"
        limit, asked, creates, cursor = self._page_size, None, False, None
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "cursor" and value and cursor is None:
                cursor = value
            elif name == "sort" and value in SORTS:
                sort = cast("Sort", value)
            elif name == "limit" and value.isdigit() and 1 <= int(value) <= 200:
                asked = int(value)
                limit = min(asked, self._most)
            elif name in IGNORED:
                creates = True
            else:
                return None
        return Query(site, story, sort, asked, page_key(site, story, sort, limit), creates, cursor)


# What a response depends on in the request's headers: Accept-Encoding, Origin, X-Request-Id.
Asked = list[bytes | None]
Message = dict[str, Any]


def _asked(headers: list[tuple[bytes, bytes]]) -> tuple[bytes | None, ...]:
    """Authorization, Accept-Encoding, Origin and X-Request-Id (the first of each), in one
    pass: this runs on every hit."""
    authorization = accept_encoding = origin = incoming = None
    for name, value in headers:
        if name == b"authorization":
            if authorization is None:
                authorization = value
        elif name == b"accept-encoding":
            if accept_encoding is None:
                accept_encoding = value
        elif name == b"origin":
            if origin is None:
                origin = value
        elif name == b"x-request-id" and incoming is None:
            incoming = value
    return authorization, accept_encoding, origin, incoming


def _bearer(authorization: bytes) -> bytes | None:
    """The Authorization header's bearer token, ``None`` if it holds none."""
    scheme, _, token = authorization.partition(b" ")
    return token.strip() if scheme.lower() == b"bearer" and token.strip() else None


def _accepts_brotli(accept_encoding: bytes | None) -> bool:
    return accept_encoding is not None and "br" in accepted_encodings(
        accept_encoding.decode("latin-1")
    )


def _origin_header(allowed: re.Pattern[str] | None, origin: bytes) -> bytes | None:
    """The CORS answer Litestar's middleware would give: echo an allowed origin."""
    if allowed is None:
        return None
    return origin if allowed.fullmatch(origin.decode("latin-1")) else None


class FastPath:
    """``inner`` is what answers the rest; ``None`` when the app calls ``answered`` itself
    (``rejoinder.app.Rejoinder.front``, in front of every layer)."""

    def __init__(self, inner: Any | None, runtime: Runtime, observer: HitObserver | None) -> None:
        self.inner = inner
        self.runtime = runtime
        self.observer = observer
        compression = runtime.settings.compression
        self.compress_above = compression.minimum_bytes if compression.enabled else None
        cors = cors_config(runtime.settings)
        pattern = cors.allow_origin_regex if cors is not None else None
        self.allowed_origins = re.compile(pattern) if pattern else None
        self.clients = ClientResolver(runtime.settings.server.trusted_proxies)
        comments = runtime.settings.comments
        self.route = Router(comments.page_size, comments.max_page_size)
        self._timestamp = runtime.clock.timestamp
        self._cache: Any = None  # ``runtime.cache`` and its ``peek``, looked up once
        self._peek: Any = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        ready = self.shared_hit(scope)
        if ready is not None:
            await send(ready[0])
            await send(ready[1])
            self.sent(ready[2])
        elif not await self.answered(scope, send):
            assert self.inner is not None  # only an app's front has none, and it never calls
            await self.inner(scope, receive, send)

    def shared_hit(self, scope: Any) -> tuple[Message, Message, float] | None:
        """An anonymous reader's cached first page, most requests: its two ASGI messages,
        ready to send, and when it started (for ``sent``), without waiting for anything; or
        ``None``, and ``answered`` takes the request."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        query = self.route(scope["path"], scope["query_string"])
        if query is None or query.cursor is not None:
            return None
        started = perf_counter()
        authorization, *asked = _asked(scope["headers"])
        if authorization is not None:
            return None
        cache = self.runtime.cache
        if cache is not self._cache:  # a test swapped it: look it up again
            self._cache, self._peek = cache, cache.peek
        page = self._peek(query.key, self._timestamp())
        if page is None:
            return None
        headers, body = self._shared(page, asked, None)
        return (
            {"type": "http.response.start", "status": 200, "headers": headers},
            {"type": "http.response.body", "body": body},
            started,
        )

    def sent(self, started: float) -> None:
        """A hit answered since ``started`` (a ``perf_counter`` reading): its sample."""
        if self.observer is not None:
            ended = perf_counter()
            self.observer.hit(ended - started, ended)

    async def answered(self, scope: Any, send: Any) -> bool:
        """Answer ``scope`` here if it qualifies (``True``); ``False`` leaves it to Litestar:
        a signed-in reader's hit (with their overlay), an anonymous miss or later page."""
        query = self._asked_for(scope)
        if query is None:
            return False
        started = perf_counter()
        runtime = self.runtime
        authorization, *asked = _asked(scope["headers"])
        token = _bearer(authorization) if authorization is not None else b""
        if token is None:
            return False
        page, viewer = None, None
        if query.cursor is None:  # a first page: perhaps cached (a later one never is)
            now = self._timestamp()
            if token:
                viewer = runtime.viewers.get(digest(token.decode("latin-1")), now)
                if viewer is None:
                    return False  # Litestar looks the token up (and answers 401 if it is bad)
            page = runtime.cache.peek(query.key, now)
        if page is None:  # an anonymous miss or later page is read here
            anonymous = not token and not query.creates
            return anonymous and await self._read(query, asked, scope, send, started)
        if viewer is None:
            headers, body = self._shared(page, asked, None)
        elif isinstance(page.parts, Parts):
            body = await overlaid(runtime, page.parts, viewer, query.sort)
            headers = self._personal(body, asked)
        else:
            return False  # a page without its parts (a shared cache's): no overlay here
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        self.sent(started)
        return True

    def _asked_for(self, scope: Any) -> Query | None:
        """What a request asks the fast path for: ``None`` unless a ``GET`` of a page."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return None
        return self.route(scope["path"], scope["query_string"])

    async def _read(
        self,
        query: Query,
        asked: Asked,
        scope: Any,
        send: Any,
        started: float,
    ) -> bool:
        """An anonymous miss (read here, filling the cache) or later page (read here, never
        cached), answered like a hit; ``False`` hands the request to Litestar."""
        observer, runtime = self.observer, self.runtime
        rid = observer.request_id(asked[2]) if observer is not None else None
        began = observer.begin(rid) if observer is not None and rid is not None else None
        try:
            if query.cursor is None:
                page = await fill_page(runtime, query.site, query.story, query.sort, query.limit)
            else:  # never cached: a page for this answer alone
                body = await read_page(
                    runtime,
                    query.site,
                    query.story,
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
        headers, body = self._shared(page, asked, rid)
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if observer is not None:
            client = await self.clients.address(scope)
            observer.read(began, started, perf_counter(), client)
        return True

    def _shared(
        self, page: CachedPage, asked: Asked, rid: bytes | None
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        """The response headers and body of the page every anonymous reader gets."""
        accept_encoding, origin, incoming = asked
        if (
            accept_encoding is not None
            and self.compress_above is not None
            and len(page.body) >= self.compress_above
            and _accepts_brotli(accept_encoding)
        ):
            body, headers = page.brotli(), [*page.head(encoded=True)]
        else:
            heads = page.heads  # made by the first hit: one lookup for the rest
            plain = heads[0] if heads is not None else None
            body = page.body
            headers = [*(plain if plain is not None else page.head(encoded=False))]
        if origin is not None:
            allowed = _origin_header(self.allowed_origins, origin)
            if allowed is not None:
                headers.append((b"access-control-allow-origin", allowed))
        observer = self.observer
        if observer is not None:
            headers.append((b"x-request-id", rid or observer.request_id(incoming)))
        return headers, body

    def _personal(self, body: bytes, asked: Asked) -> list[tuple[bytes, bytes]]:
        """A signed-in reader's headers (``CachedPage.head`` has the shared page's, made once)."""
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", b"%d" % len(body)),
            (b"cache-control", b"private, no-cache"),
            (b"vary", b"Origin, Authorization, Accept-Encoding"),
        ]
        self._request_headers(headers, asked, None)
        return headers

    def _request_headers(
        self, headers: list[tuple[bytes, bytes]], asked: Asked, rid: bytes | None
    ) -> None:
        """Add what depends on the request: the CORS origin, the request id."""
        if asked[1] is not None:
            origin = _origin_header(self.allowed_origins, asked[1])
            if origin is not None:
                headers.append((b"access-control-allow-origin", origin))
        observer = self.observer
        if observer is not None:
            headers.append((b"x-request-id", rid or observer.request_id(asked[2])))


def install_fast_path(app: Litestar, runtime: Runtime) -> None:
    """Put the fast path in front of everything installed so far (Litestar's router and
    whatever wraps it), inside the layers still to come, which give hits their request id,
    latency sample and access-log line (``logging.access_log_cache_hits``)."""
    app.asgi_handler = FastPath(app.asgi_handler, runtime, None)
