"""The account page's HTML shell (``/account`` and its sections), rendered with Jinja2.

The page is the same for every section; the section in the path is where it opens. Data is
loaded by ``account.js`` through the API with the reader's session, like the widget.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import MediaType, Request, Response, get
from litestar.params import HeaderParameter, PathParameter, QueryParameter

from rejoinder.api.dependencies import RuntimeDep
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.widget.api import widget_bundle
from rejoinder.widget.assets import PRECOMPRESSED, AcceptEncoding, Bundle
from rejoinder.widget.catalogue import catalogue, pick_language

SECTIONS = ("profile", "comments", "notifications", "privacy")
_HERE = Path(__file__).parent
_env = Environment(
    loader=FileSystemLoader(_HERE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


@cache
def account_bundle() -> Bundle:
    return Bundle(
        _HERE / "static",
        {"__WIDGET_BASE__": f"/widget/v/{widget_bundle().version}/"},
    )


def safe_return_url(settings: Settings, url: str | None) -> str | None:
    """Only back to a page of a configured site or of Rejoinder itself: no open redirect."""
    if not url or len(url) > 2000:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    hosts = {urlsplit(settings.server.public_url).hostname}
    for site in settings.sites:
        hosts.update(domain.lower() for domain in site.allowed_domains)
    return url if parts.hostname.lower() in hosts else None


def render_account(
    runtime: Runtime, request: Request[Any, Any, Any], section: str, return_url: str | None
) -> Response[str]:
    lang = pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    messages = catalogue(lang)

    def t(key: str, **params: object) -> str:
        return messages.get(key, key).format(**params)

    # Opened from an article: that site's name, colour and front page, so readers know where
    # they are and how to get back.
    site = runtime.settings.site(request.query_params.get("site") or "")
    changes = runtime.settings.display_names
    html = _env.get_template("account.html").render(
        lang=lang,
        t=t,
        site=site,
        site_param=f"&site={site.id}" if site else "",
        cooldown_days=changes.change_cooldown_days,
        grace_minutes=changes.correction_grace_minutes,
        section=section,
        sections=SECTIONS,
        return_url=safe_return_url(runtime.settings, return_url),
        embed_src="/embed.js",
        script_src=f"/account/static/v/{account_bundle().version}/account.js",
        style_src=f"/account/static/v/{account_bundle().version}/account.css",
        local_accounts=runtime.settings.accounts.local_enabled,
        name_min=runtime.settings.display_names.min_length,
        name_max=runtime.settings.display_names.max_length,
        terms=json.dumps(runtime.settings.plan_terms().get(lang, {}), ensure_ascii=False),
    )
    return Response(
        html,
        media_type=MediaType.HTML,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": (
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'"
            ),
            "Referrer-Policy": "same-origin",
        },
    )


ReturnUrl = Annotated[str | None, QueryParameter(name="return", max_length=2000)]


@get("/account", include_in_schema=False)
async def account_page(
    runtime: RuntimeDep, request: Request[Any, Any, Any], return_url: ReturnUrl = None
) -> Response[str]:
    return render_account(runtime, request, "profile", return_url)


@get("/account/{section:str}", include_in_schema=False)
async def account_section(
    section: Annotated[str, PathParameter()],
    runtime: RuntimeDep,
    request: Request[Any, Any, Any],
    return_url: ReturnUrl = None,
) -> Response[str]:
    if section not in SECTIONS:
        return Response("Not found", status_code=404, media_type=MediaType.TEXT)
    return render_account(runtime, request, section, return_url)


@get(
    "/account/static/v/{version:str}/{path:path}",
    include_in_schema=False,
    sync_to_thread=False,
    opt={PRECOMPRESSED: True},
)
def account_asset(
    version: Annotated[str, PathParameter()],
    path: Annotated[str, PathParameter()],
    if_none_match: Annotated[str | None, HeaderParameter(name="if-none-match")] = None,
    accept_encoding: AcceptEncoding = None,
) -> Response[bytes]:
    bundle = account_bundle()
    return bundle.respond(
        path.lstrip("/"),
        if_none_match,
        versioned=version == bundle.version,
        accept_encoding=accept_encoding,
    )


ROUTES = [account_page, account_section, account_asset]
