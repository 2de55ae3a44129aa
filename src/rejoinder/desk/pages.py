"""The moderation desk at ``/admin``: one HTML shell plus static modules, no build step.

The shell carries the language and the bundle version; ``desk.js`` signs the moderator in and
drives everything through ``/api/v1/moderation``. Access is enforced by the API, not here:
the page itself holds nothing secret.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from litestar import MediaType, Request, Response, get
from litestar.params import HeaderParameter, PathParameter

from rejoinder.widget.assets import PRECOMPRESSED, AcceptEncoding, Bundle
from rejoinder.widget.catalogue import pick_language

STATIC = Path(__file__).with_name("static")
IfNoneMatch = Annotated[str | None, HeaderParameter(name="if-none-match")]
TITLES = {"en": "Moderation desk", "ja": "モデレーション"}
SHELL = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{title} · Rejoinder</title>
<link rel="stylesheet" href="{base}desk.css">
</head>
<body>
<main id="desk" aria-busy="true"></main>
<script type="module" src="{base}desk.js"></script>
</body>
</html>
"""


@cache
def desk_bundle() -> Bundle:
    return Bundle(STATIC, shared=("sse.js",))


@get(["/admin", "/admin/"], include_in_schema=False, sync_to_thread=False)
def desk_page(request: Request[Any, Any, Any]) -> Response[str]:
    """The desk's shell, in the moderator's language (``?lang=ja`` or Accept-Language)."""
    lang = pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    base = f"/admin/v/{desk_bundle().version}/"
    body = SHELL.format(lang=lang, title=html.escape(TITLES[lang]), base=base)
    return Response(
        body,
        media_type=MediaType.HTML,
        headers={
            "Cache-Control": "no-store",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "same-origin",
            "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
            "style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        },
    )


@get(
    "/admin/v/{version:str}/{path:path}",
    include_in_schema=False,
    sync_to_thread=False,
    opt={PRECOMPRESSED: True},
)
def desk_asset(
    version: Annotated[str, PathParameter()],
    path: Annotated[str, PathParameter()],
    if_none_match: IfNoneMatch = None,
    accept_encoding: AcceptEncoding = None,
) -> Response[bytes]:
    """A desk module, stylesheet or catalogue, cached under its content hash."""
    bundle = desk_bundle()
    return bundle.respond(
        path.lstrip("/"),
        if_none_match,
        versioned=version == bundle.version,
        accept_encoding=accept_encoding,
    )


ROUTES = [desk_page, desk_asset]
