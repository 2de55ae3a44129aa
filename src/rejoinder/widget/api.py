"""HTTP handlers serving the widget's files: ``/embed.js`` and the versioned modules."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated

from litestar import Response, get
from litestar.datastructures import CacheControlHeader
from litestar.params import HeaderParameter, PathParameter

from rejoinder.api.dependencies import RuntimeDep
from rejoinder.kernel.errors import NotFound
from rejoinder.settings import Settings, SiteSettings
from rejoinder.widget.assets import PRECOMPRESSED, AcceptEncoding, Bundle
from rejoinder.widget.schemas import NameChanges, NameLimits, WidgetConfig

STATIC = Path(__file__).with_name("static")


@cache
def widget_bundle() -> Bundle:
    return Bundle(STATIC, shared=("sse.js",))


IfNoneMatch = Annotated[str | None, HeaderParameter(name="if-none-match")]


@get(
    "/embed.js",
    tags=["widget"],
    include_in_schema=False,
    sync_to_thread=False,
    opt={PRECOMPRESSED: True},
)
def embed_script(
    if_none_match: IfNoneMatch = None, accept_encoding: AcceptEncoding = None
) -> Response[bytes]:
    """The loader publishers paste into article pages (short cache: its URL never changes)."""
    return widget_bundle().respond(
        "embed.js", if_none_match, versioned=False, accept_encoding=accept_encoding
    )


@get(
    "/widget/v/{version:str}/{path:path}",
    include_in_schema=False,
    sync_to_thread=False,
    opt={PRECOMPRESSED: True},
)
def widget_asset(
    version: Annotated[str, PathParameter()],
    path: Annotated[str, PathParameter()],
    if_none_match: IfNoneMatch = None,
    accept_encoding: AcceptEncoding = None,
) -> Response[bytes]:
    """A widget module, stylesheet or catalogue; cached for a year under its content hash."""
    bundle = widget_bundle()
    return bundle.respond(
        path.lstrip("/"),
        if_none_match,
        versioned=version == bundle.version,
        accept_encoding=accept_encoding,
    )


@get(
    "/api/v1/sites/{site:str}/widget",
    tags=["widget"],
    sync_to_thread=False,
    cache_control=CacheControlHeader(public=True, max_age=300),
)
def widget_config(
    site: Annotated[str, PathParameter(max_length=64)], runtime: RuntimeDep
) -> WidgetConfig:
    """What the embedded widget needs to know about a site: sign-in, reactions, limits."""
    settings = runtime.settings
    found = settings.site(site)
    if found is None:
        raise NotFound(f"There is no site {site!r}.", code="unknown_site")
    comments = settings.comments
    return WidgetConfig(
        site=found.id,
        name=found.name,
        local_accounts=settings.accounts.local_enabled,
        reactions=list(comments.reaction_kinds),
        report_reasons=list(settings.moderation.report_reasons),
        edit_window_seconds=comments.edit_window_minutes * 60,
        max_length=comments.max_length,
        display_names=NameLimits(
            min_length=settings.display_names.min_length,
            max_length=settings.display_names.max_length,
        ),
        name_changes=NameChanges(
            cooldown_days=settings.display_names.change_cooldown_days,
            correction_grace_minutes=settings.display_names.correction_grace_minutes,
        ),
        subscribe_url=subscribe_url(settings, found),
        terms=settings.plan_terms(),
    )


def subscribe_url(settings: Settings, site: SiteSettings) -> str | None:
    """The site's own subscribe page, else what the plan of new readers offers to upgrade."""
    if site.subscribe_url:
        return site.subscribe_url
    plan = settings.plan(settings.accounts.default_plan)
    return plan.upgrade_url if plan is not None else None


ROUTES = [embed_script, widget_asset, widget_config]
