"""The public profile page at ``/profiles/{id}``: what anyone may see of a commenter.

Display name, badges, bio and the latest published comments with links back to them; nothing
private (no e-mail, plan name, status, held or rejected comments). Readers without a display
name have no public profile (404): they have never appeared in a thread under a name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from litestar import MediaType, Request, Response, get
from litestar.params import PathParameter
from sqlalchemy import select

from rejoinder.account_page.pages import ReturnUrl, _env, safe_return_url
from rejoinder.accounts.models import accounts
from rejoinder.accounts.queries import viewer_for_account
from rejoinder.api.dependencies import RuntimeDep
from rejoinder.comments.models import comments
from rejoinder.kernel.errors import NotFound
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories
from rejoinder.widget.catalogue import catalogue, pick_language

RECENT = 10


@dataclass(frozen=True, slots=True)
class PublicComment:
    story_title: str
    permalink: str
    body_html: str  # sanitised at write time, like every comment body
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PublicProfile:
    display_name: str
    badges: list[str]
    bio: str
    comments: list[PublicComment]


async def public_profile(runtime: Runtime, account_id: int) -> PublicProfile | None:
    async with runtime.db.read() as conn:
        viewer = await viewer_for_account(conn, account_id, runtime.settings)
        row = (
            await conn.execute(
                select(accounts.c.bio, accounts.c.display_name).where(accounts.c.id == account_id)
            )
        ).first()
        if viewer is None or row is None or not row.display_name:
            return None
        recent = (
            await conn.execute(
                select(
                    comments.c.id,
                    comments.c.body_html,
                    comments.c.created_at,
                    stories.c.title,
                    stories.c.url,
                )
                .join(stories, stories.c.id == comments.c.story_id)
                .where(
                    comments.c.account_id == account_id,
                    comments.c.status == "published",
                    comments.c.deleted_at.is_(None),
                )
                .order_by(comments.c.id.desc())
                .limit(RECENT)
            )
        ).all()
    plan = viewer.plan
    badges = [*(["Staff"] if viewer.is_staff else []), *([plan.badge] if plan.badge else [])]
    badges += list(viewer.badges)
    return PublicProfile(
        display_name=row.display_name,
        badges=badges,
        bio=row.bio or "",
        comments=[
            PublicComment(
                story_title=item.title or item.url,
                permalink=f"{item.url.split('#', 1)[0]}#comment-{item.id}",
                body_html=item.body_html,
                created_at=item.created_at,
            )
            for item in recent
        ],
    )


@get("/profiles/{account_id:int}", include_in_schema=False)
async def profile_page(
    account_id: Annotated[int, PathParameter(ge=1, le=2**63 - 1)],
    runtime: RuntimeDep,
    request: Request[Any, Any, Any],
    return_url: ReturnUrl = None,
) -> Response[str]:
    """A commenter's public profile, in the reader's language, branded for the site."""
    found = await public_profile(runtime, account_id)
    if found is None:
        raise NotFound("There is no public profile here.", code="not_found")
    lang = pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))
    messages = catalogue(lang)

    def t(key: str, **params: object) -> str:
        return messages.get(key, key).format(**params)

    def badge(name: str) -> str:
        return messages.get(f"badge.{name}", name)

    html = _env.get_template("profile.html").render(
        lang=lang,
        t=t,
        badge=badge,
        profile=found,
        site=runtime.settings.site(request.query_params.get("site") or ""),
        return_url=safe_return_url(runtime.settings, return_url),
        style_src=f"/account/static/v/{_bundle_version()}/account.css",
        accent_src=f"/account/static/v/{_bundle_version()}/profile.js",
    )
    return Response(
        html,
        media_type=MediaType.HTML,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": (
                "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                "script-src 'self'; frame-ancestors 'none'"
            ),
            "Referrer-Policy": "same-origin",
        },
    )


def _bundle_version() -> str:
    from rejoinder.account_page.pages import account_bundle

    return account_bundle().version


ROUTES = [profile_page]
