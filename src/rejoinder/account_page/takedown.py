"""The public takedown form at ``/takedown/{site}``: anyone, signed in or not, asks for a
comment's removal on legal grounds (issue #14). Rendered on the server, so it works without
JavaScript; it files through the same action as ``POST /api/v1/sites/{site}/takedowns``.

Abuse is kept out the way the rest of Rejoinder does it, without cookies or sessions (so
there is no ambient authority for a forged cross-site post to borrow): a post whose
``Origin`` (or ``Referer``) is neither Rejoinder's own host nor one of the site's
``allowed_domains`` is refused; the per-address limit of the API applies
(``takedowns.requests_per_hour_per_address``); and a field hidden from people (``website``)
that robots fill in turns the post away.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from litestar import MediaType, Request, Response, get, post
from litestar.params import PathParameter, QueryParameter

from rejoinder.account_page.pages import _env, account_bundle, safe_return_url
from rejoinder.accounts.service import EMAIL
from rejoinder.api.dependencies import RuntimeDep, client_address
from rejoinder.kernel.bounds import has_control
from rejoinder.kernel.errors import RateLimited, RejoinderError
from rejoinder.policies.schemas import TakedownCreate, TakedownReceipt
from rejoinder.policies.takedowns import PERMALINK, file_request
from rejoinder.runtime import Runtime
from rejoinder.settings import SiteSettings
from rejoinder.stories.queries import require_site
from rejoinder.widget.catalogue import pick_language

FIELDS: Final = ("permalink", "reason", "contact_name", "contact_email", "statement")
LIMITS: Final = {"permalink": 2000, "contact_name": 200, "contact_email": 320, "statement": 10_000}
# The action's refusals, by code, as the form's fields and messages.
REFUSALS: Final = {
    "comment_not_found": ("permalink", "err.not_found"),
    "email_invalid": ("contact_email", "err.contact_email"),
    "unknown_takedown_reason": ("reason", "err.reason"),
    "control_characters": ("contact_name", "err.control"),
}
HEADERS: Final = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@cache
def wording(lang: str) -> dict[str, str]:
    found: dict[str, dict[str, str]] = json.loads(
        Path(__file__).with_name("takedown_wording.json").read_text(encoding="utf-8")
    )
    return {**found["en"], **found.get(lang, {})}


@dataclass(slots=True)
class Form:
    lang: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def t(self, key: str, **params: object) -> str:
        return wording(self.lang).get(key, key).format(**params)


def render(  # noqa: PLR0917 - the page's every part
    runtime: Runtime, site: SiteSettings, form: Form, receipt: TakedownReceipt | None,
    return_url: str | None, status: int,
) -> Response[str]:  # fmt: skip
    html = _env.get_template("takedown.html").render(
        lang=form.lang,
        t=form.t,
        wording=wording(form.lang),
        site=site,
        days=runtime.settings.takedowns.days,
        reasons=runtime.settings.takedowns.reasons,
        values=form.values,
        errors=form.errors,
        fields=(*FIELDS, "declaration"),
        receipt=receipt,
        action=f"/takedown/{site.id}",
        return_url=return_url,
        style_src=f"/account/static/v/{account_bundle().version}/account.css",
    )
    return Response(html, status_code=status, media_type=MediaType.HTML, headers=HEADERS)


def _same_origin(runtime: Runtime, site: SiteSettings, request: Request[Any, Any, Any]) -> bool:
    """No ``Origin``/``Referer`` (a script, an old browser): allowed, as the API is."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if not source or source == "null":
        return source is None
    host = (urlsplit(source).hostname or "").lower()
    own = {
        (urlsplit(runtime.settings.server.public_url).hostname or "").lower(),
        (urlsplit("//" + request.headers.get("host", "")).hostname or "").lower(),
        *(domain.lower() for domain in site.allowed_domains),
    }
    return host in own


def check(form: Form, reasons: list[str]) -> None:
    """Every field's problem at once, in the requester's language."""
    values, errors = form.values, form.errors
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors[name] = form.t("err.too_long", max=limit)
    if "permalink" not in errors and not PERMALINK.search(values.get("permalink", "")):
        errors["permalink"] = form.t("err.permalink")
    if values.get("reason") not in reasons:
        errors["reason"] = form.t("err.reason")
    if "contact_name" not in errors and not values.get("contact_name", "").strip():
        errors["contact_name"] = form.t("err.contact_name")
    email = values.get("contact_email", "").strip()
    if "contact_email" not in errors and (not EMAIL.match(email) or has_control(email)):
        errors["contact_email"] = form.t("err.contact_email")
    if "statement" not in errors and not values.get("statement", "").strip():
        errors["statement"] = form.t("err.statement")
    if values.get("declaration") != "yes":
        errors["declaration"] = form.t("err.declaration")


CommentLink = Annotated[str | None, QueryParameter(name="comment", max_length=2000)]
ReturnLink = Annotated[str | None, QueryParameter(name="return", max_length=2000)]
SitePath = Annotated[str, PathParameter(max_length=64)]


@get("/takedown/{site:str}", include_in_schema=False)
async def takedown_form(
    site: SitePath,
    runtime: RuntimeDep,
    request: Request[Any, Any, Any],
    comment: CommentLink = None,
    return_url: ReturnLink = None,
) -> Response[str]:
    """The empty form; ``?comment=<link>`` fills in the comment, ``?lang=`` the language."""
    found = require_site(runtime.settings, site)
    lang = pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    link = comment if comment and not has_control(comment) else ""
    form = Form(lang, {"permalink": link})
    back = safe_return_url(runtime.settings, return_url or link)
    return render(runtime, found, form, None, back, 200)


@post("/takedown/{site:str}", include_in_schema=False, status_code=200)
async def takedown_post(
    site: SitePath, runtime: RuntimeDep, request: Request[Any, Any, Any]
) -> Response[str]:
    found = require_site(runtime.settings, site)
    posted = await request.form()
    raw = {key: posted.get(key) for key in (*FIELDS, "declaration", "website", "lang", "return")}
    values = {key: value if isinstance(value, str) else "" for key, value in raw.items()}
    form = Form(pick_language(values["lang"], request.headers.get("accept-language")), values)
    back = safe_return_url(runtime.settings, values["return"] or values["permalink"])
    if not _same_origin(runtime, found, request):
        form.errors["_form"] = form.t("err.origin", site=found.name)
        return render(runtime, found, form, None, back, 403)
    if values["website"]:
        form.errors["_form"] = form.t("err.spam")
        return render(runtime, found, form, None, back, 422)
    check(form, runtime.settings.takedowns.reasons)
    if form.errors:
        return render(runtime, found, form, None, back, 422)
    data = TakedownCreate(
        permalink=values["permalink"].strip(),
        reason=values["reason"],
        contact_name=values["contact_name"],
        contact_email=values["contact_email"].strip(),
        statement=values["statement"],
        language="ja" if form.lang == "ja" else "en",
    )
    try:
        receipt = await file_request(runtime, found, data, client_address(request))
    except RateLimited as exc:
        form.errors["_form"] = form.t("err.rate_limited", minutes=max(1, -(-exc.retry_after // 60)))
        return render(runtime, found, form, None, back, 429)
    except RejoinderError as exc:
        name, key = REFUSALS.get(exc.code, (_field(exc), "err." + _field(exc)))
        form.errors[name] = form.t(key, site=found.name)
        return render(runtime, found, form, None, back, exc.status)
    return render(runtime, found, form, receipt, back, 200)


def _field(exc: RejoinderError) -> str:
    named = str(exc.extra.get("field") or "permalink")
    return "permalink" if named == "comment_id" else named


ROUTES = [takedown_form, takedown_post]
