"""The demo publication: a small fictional news site with the widget embedded, and the
demo-only sign-in that mints SSO tokens for the demo readers. Mounted only when
``server.demo`` is on (see ``rejoinder.app.create_app``), and every handler checks it again.
"""

from __future__ import annotations

import secrets
import warnings
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import jwt
import msgspec
from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import MediaType, Response, get, post
from litestar.params import HeaderParameter, JSONBody, PathParameter

from rejoinder.api.dependencies import RuntimeDep
from rejoinder.demo.articles import ARTICLES, article
from rejoinder.demo.seed import READERS, external_id
from rejoinder.kernel.errors import NotFound
from rejoinder.notifications.mailer import CaptureMailer
from rejoinder.notifications.service import notifier_of
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.widget.assets import PRECOMPRESSED, AcceptEncoding, Bundle

_SITE = Path(__file__).with_name("site")
_env = Environment(
    loader=FileSystemLoader(_SITE / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
SITE_ID = "demo"


class DemoSignIn(msgspec.Struct, forbid_unknown_fields=True):
    reader: Annotated[str, msgspec.Meta(max_length=32)]


class DemoToken(msgspec.Struct):
    token: str


@cache
def site_bundle() -> Bundle:
    return Bundle(_SITE / "static")


def _require_demo(runtime: Runtime) -> None:
    if not runtime.settings.server.demo:
        raise NotFound("There is nothing at this address.", code="not_found")


def _page(runtime: Runtime, template: str, **context: Any) -> Response[str]:
    _require_demo(runtime)
    site = runtime.settings.site(SITE_ID)
    html = _env.get_template(template).render(
        site_name=site.name if site else "",
        site_id=SITE_ID,
        readers=READERS,
        static=f"/demo/static/v/{site_bundle().version}",
        **context,
    )
    return Response(html, media_type=MediaType.HTML, headers={"Cache-Control": "no-cache"})


@get("/", include_in_schema=False)
async def front_page(runtime: RuntimeDep) -> Response[str]:
    return _page(runtime, "front.html", articles=ARTICLES, lang="en")


@get("/articles/{slug:str}", include_in_schema=False)
async def article_page(slug: Annotated[str, PathParameter()], runtime: RuntimeDep) -> Response[str]:
    found = article(slug)
    if found is None:
        raise NotFound("There is no such article.", code="not_found")
    base = runtime.settings.server.public_url
    return _page(
        runtime,
        "article.html",
        article=found,
        lang=found.lang,
        story_url=f"{base}/articles/{found.slug}",
        others=[a for a in ARTICLES if a.slug != slug],
    )


@get("/demo/subscribe", include_in_schema=False)
async def subscribe_page(
    runtime: RuntimeDep,
    referer: Annotated[str | None, HeaderParameter(name="referer")] = None,
) -> Response[str]:
    # A reader who came from an article's comment box is offered the way back to it (only
    # to a known article: the Referer names nothing else this page links to).
    path = urlsplit(referer).path if referer else ""
    came_from = article(path.removeprefix("/articles/")) if path.startswith("/articles/") else None
    return _page(runtime, "subscribe.html", lang="en", came_from=came_from)


@get(
    "/demo/static/v/{version:str}/{path:path}",
    include_in_schema=False,
    sync_to_thread=False,
    opt={PRECOMPRESSED: True},
)
def demo_asset(
    version: Annotated[str, PathParameter()],
    path: Annotated[str, PathParameter()],
    if_none_match: Annotated[str | None, HeaderParameter(name="if-none-match")] = None,
    accept_encoding: AcceptEncoding = None,
) -> Response[bytes]:
    bundle = site_bundle()
    return bundle.respond(
        path.lstrip("/"),
        if_none_match,
        versioned=version == bundle.version,
        accept_encoding=accept_encoding,
    )


@post("/api/v1/demo/sign-in", tags=["demo"], include_in_schema=False, status_code=200)
async def demo_sign_in(data: JSONBody[DemoSignIn], runtime: RuntimeDep) -> DemoToken:
    """Mint a short-lived SSO token for a demo reader, as a publisher's login would."""
    _require_demo(runtime)
    reader = next((r for r in READERS if r.key == data.reader), None)
    if reader is None:
        raise NotFound(f"There is no demo reader {data.reader!r}.", code="unknown_demo_reader")
    now = runtime.clock.now()
    claims: dict[str, Any] = {
        "sub": external_id(reader),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=10)).timestamp()),
    }
    if reader.display_name is None and reader.plan != "free":
        # A fresh subscriber each time, so every visitor meets the display-name prompt.
        claims |= {"sub": f"{external_id(reader)}-{secrets.token_hex(6)}", "plan": reader.plan}
    return DemoToken(token=mint_token(runtime.settings, claims))


def mint_token(settings: Settings, claims: dict[str, Any]) -> str:
    """Sign ``claims`` with the demo's HS256 key, as the publisher's server would."""
    key = next((k for k in settings.sso.keys if k.algorithm == "HS256" and k.secret), None)
    if key is None or key.secret is None:
        raise NotFound("The demo has no HS256 key configured.", code="not_found")
    headers = {"kid": key.kid} if key.kid else None
    with warnings.catch_warnings():
        # The public demo secret is short on purpose; real deployments configure their own.
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)
        return jwt.encode(claims, key.secret, algorithm="HS256", headers=headers)


@get("/demo/mail", include_in_schema=False)
async def mail_list(runtime: RuntimeDep) -> Response[str]:
    """A small mail catcher: every mail the demo sent, newest first (none leaves the process)."""
    return _page(runtime, "mail.html", lang="en", mails=_captured(runtime).mails, shown=None)


@get("/demo/mail/{number:int}", include_in_schema=False)
async def mail_message(
    number: Annotated[int, PathParameter(ge=1, le=2**31)], runtime: RuntimeDep
) -> Response[str]:
    captured = _captured(runtime)
    shown = captured.find(number)
    if shown is None:
        raise NotFound("There is no such mail.", code="not_found")
    text = shown.message.get_body(("plain",))
    html = shown.message.get_body(("html",))
    return _page(
        runtime,
        "mail.html",
        lang="en",
        mails=captured.mails,
        shown=shown,
        headers=[
            (name, str(shown.message[name]))
            for name in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe",
                         "List-Unsubscribe-Post")
        ],
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
    )  # fmt: skip


def _captured(runtime: Runtime) -> CaptureMailer:
    _require_demo(runtime)
    mailer = notifier_of(runtime).mailer
    if not isinstance(mailer, CaptureMailer):  # a demo configured with a real SMTP server
        raise NotFound("This demo sends real mail: there is nothing to show here.")
    return mailer


@get("/favicon.ico", include_in_schema=False, sync_to_thread=False)
def favicon() -> Response[bytes]:
    """No icon, said without an error: a 404 here was a console error on every demo page."""
    return Response(b"", status_code=204, headers={"Cache-Control": "public, max-age=86400"})


ROUTES = [
    front_page,
    article_page,
    subscribe_page,
    demo_asset,
    demo_sign_in,
    mail_list,
    mail_message,
    favicon,
]
