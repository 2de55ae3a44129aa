"""The live streams' ASGI path: a stream is opened before Litestar routes the request.

Ten thousand open streams must each cost little (``wire.py``): so a ``GET`` of a story's
``…/live`` or of ``/moderation/live`` that is plainly valid is opened here, with the same
actions as the Litestar handlers (``api.py``: ``service.open_story_stream`` and
``service.open_desk_stream``, the viewer looked up as the ``viewer`` dependency does for a
read), answered with the same headers, and its connection handed to the stream. Litestar
allocates nothing for it.

Everything else goes to Litestar, which answers as it always has: a parameter that does not
validate, a token that names nobody (``401``), a story or site that does not exist (``404``),
a reader who is no moderator (``403``), any error while opening, and every request under a
server whose connection cannot be taken over (the handlers' own streamed response). Those
answers, their codes and their problem documents are Litestar's alone; the routes stay there
for them and for the OpenAPI document.

It sits just outside Litestar, inside ``Observe`` (which gives the response its request id and
logs and times the request: the time to open the stream) and the client resolution. It finds
uvicorn's connection through ``receive``, which no layer wraps.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from litestar import Litestar

from rejoinder.accounts.dependencies import lookup_viewer
from rejoinder.accounts.viewer import Viewer
from rejoinder.api.cors import cors_config
from rejoinder.kernel.bounds import LINE
from rejoinder.live import service
from rejoinder.live.response import send_stream
from rejoinder.live.wire import server_cycle, take_over
from rejoinder.runtime import Runtime

STORY_PATH = re.compile(r"^/api/v1/sites/([^/]+)/stories/([^/]+)/live$")
STORY_TEMPLATE = "/api/v1/sites/{site}/stories/{story_id}/live"  # Litestar's, for metrics
DESK_PATH = "/api/v1/moderation/live"
_LINE = re.compile(LINE)
MAX_EVENT_ID_TEXT = 1000  # the handlers' max_length for the header and the query parameter
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),  # nginx: pass each event through at once
]


class _Declined(Exception):
    """Not for this path: Litestar answers (and validates, and explains)."""


def _first(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key == name:
            return value
    return None


def _token(headers: list[tuple[bytes, bytes]]) -> str | None:
    """``bearer_token`` (``api/dependencies.py``) on raw headers."""
    header = (_first(headers, b"authorization") or b"").decode("latin-1")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def _event_id(scope: Any) -> int | None:
    """``service.parse_event_id`` of the header and the query parameter, as validated by the
    handler's parameters (anything they would refuse is declined)."""
    header = _first(scope["headers"], b"last-event-id")
    query = [v for k, v in parse_qsl(scope["query_string"].decode("latin-1")) if k == "lastEventID"]
    if len(query) > 1:
        raise _Declined
    texts = [
        None if header is None else header.decode("latin-1"),
        query[0] if query else None,
    ]
    if any(t is not None and len(t) > MAX_EVENT_ID_TEXT for t in texts):
        raise _Declined
    return service.parse_event_id(*texts)


def _key(value: str, longest: int) -> str:
    if not 1 <= len(value) <= longest or _LINE.match(value) is None:
        raise _Declined
    return value


class LivePath:
    def __init__(self, inner: Any, runtime: Runtime) -> None:
        self.inner = inner
        self.runtime = runtime
        self.cors = cors_config(runtime.settings)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "GET"
            and scope["path"].endswith("/live")
            and await self._served(scope, receive, send)
        ):
            return
        await self.inner(scope, receive, send)

    async def _served(self, scope: Any, receive: Any, send: Any) -> bool:
        cycle = server_cycle(receive)
        if cycle is None or scope["http_version"] != "1.1":
            return False
        try:
            opened = await self._open(scope)
        except Exception:  # noqa: BLE001 - declined or failed: Litestar answers, its own way
            return False
        stream = opened.stream
        # Litestar sets it when it routes; ``Observe`` labels the request's sample with it.
        scope["path_template"] = DESK_PATH if scope["path"] == DESK_PATH else STORY_TEMPLATE
        headers = [*_HEADERS, (b"last-event-id", b"%d" % opened.continues_from)]
        headers += self._cors(scope["headers"])
        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
        except BaseException:
            stream.detach()
            raise
        connection = take_over(cycle, stream)
        if connection is not None:
            stream.attach_wire(connection)
        elif cycle.disconnected:
            stream.detach()
        else:  # another framing than chunked: through ASGI, like the handlers' response
            await send_stream(stream, send, receive)
        return True

    async def _open(self, scope: Any) -> service.Opened:
        runtime, headers = self.runtime, scope["headers"]
        token = _token(headers)
        viewer: Viewer | None = None
        if token is not None:
            viewer = await lookup_viewer(runtime, token, fresh=False)
            if viewer is None:
                raise _Declined  # 401 invalid_token
        path = scope["path"]
        if path == DESK_PATH:
            if viewer is None:
                raise _Declined  # 401 authentication_required
            return await service.open_desk_stream(runtime, viewer, token)
        match = STORY_PATH.match(path)
        if match is None:
            raise _Declined
        return await service.open_story_stream(
            runtime,
            _key(match[1], 64),
            _key(match[2], 255),
            viewer=viewer,
            token=token if viewer is not None else None,
            last_event_id=_event_id(scope),
        )

    def _cors(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        """What Litestar's CORS middleware adds to a simple request's response."""
        cors = self.cors
        raw = _first(headers, b"origin")
        if cors is None or raw is None:
            return []
        out = [(k.lower().encode(), v.encode()) for k, v in cors.simple_headers.items()]
        origin = raw.decode("latin-1")
        if cors.is_origin_allowed(origin):
            out += [(b"access-control-allow-origin", raw), (b"vary", b"Origin")]
        out += [
            (b"access-control-allow-headers", ", ".join(sorted(set(cors.allow_headers))).encode()),
            (b"access-control-allow-methods", ", ".join(sorted(set(cors.allow_methods))).encode()),
        ]
        return out


def install_live_path(app: Litestar, runtime: Runtime) -> None:
    """Put the live path in front of Litestar (call it before the outer layers wrap it)."""
    app.asgi_handler = LivePath(app.asgi_handler, runtime)
