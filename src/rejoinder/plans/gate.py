"""The comment gate: may this reader comment, and if not, exactly why.

The order is the public contract (issue #3): plan, then display name, then (on a site that
asks for one, issue #14) registered name, then the plan's required SSO verifications, then
account status. ``GET /api/v1/me`` shows the first block; every write action raises it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.errors import Forbidden
from rejoinder.plans.catalog import describe_entitlements
from rejoinder.profiles.registered import has_registered_name
from rejoinder.settings import Settings, SiteSettings


class CommentBlock(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    code: str
    message: str
    upgrade_url: str | None = None
    profile_url: str | None = None
    until: datetime | None = None


def profile_url(settings: Settings) -> str:
    return f"{settings.server.public_url}/account/profile"


def account_status(viewer: Viewer, now: datetime) -> str:
    """A suspension ends by itself when its date passes."""
    if viewer.status == "suspended" and viewer.status_until and viewer.status_until <= now:
        return "active"
    return viewer.status


def comment_block(
    viewer: Viewer, settings: Settings, now: datetime, site: SiteSettings | None = None
) -> CommentBlock | None:
    """The first reason the reader may not comment (on ``site``, when given), or None."""
    plan = viewer.plan
    if not viewer.can("comment"):
        return CommentBlock(
            code="plan_does_not_allow_commenting",
            message=(
                f"Your plan “{plan.name}” lets you {describe_entitlements(plan)}; "
                "commenting needs a plan that includes it."
            ),
            upgrade_url=plan.upgrade_url,
        )
    if viewer.display_name is None:
        url = profile_url(settings)
        return CommentBlock(
            code="display_name_required",
            message=(
                "Your plan lets you comment. First create a display name in the Profile "
                f"section of your account page: {url}"
            ),
            profile_url=url,
        )
    if site is not None and site.registered_name_required and not has_registered_name(viewer, site):
        url = profile_url(settings)
        rule = " in Roman letters" if site.registered_name_script == "latin" else ""
        return CommentBlock(
            code="registered_name_required",
            message=(
                f"{site.name} asks commenters to register their first name and surname{rule} "
                "(never shown publicly). Add them in the Profile section of your account "
                f"page: {url}"
            ),
            profile_url=url,
        )
    missing = [claim for claim in plan.requires_verified if claim not in viewer.verified]
    if missing:
        what = ", ".join(claim.removesuffix("_verified").replace("_", " ") for claim in missing)
        return CommentBlock(
            code="verification_required",
            message=(
                f"Your plan “{plan.name}” asks commenters to verify their {what} with "
                f"{site.name if site else 'the publisher'} first; verify it in your "
                "subscriber account, then sign in again."
            ),
            upgrade_url=plan.upgrade_url,
        )
    return status_block(viewer, now)


def status_block(viewer: Viewer, now: datetime) -> CommentBlock | None:
    """Suspended or banned readers may still read, and nothing else."""
    status = account_status(viewer, now)
    reason = f": {viewer.status_reason}" if viewer.status_reason else "."
    if status == "banned":
        return CommentBlock(
            code="account_banned", message=f"Your account is banned from commenting{reason}"
        )
    if status == "suspended":
        until = viewer.status_until
        when = f" until {until:%Y-%m-%d %H:%M} UTC" if until else ""
        return CommentBlock(
            code="account_suspended",
            message=f"Your account is suspended{when}{reason}",
            until=until,
        )
    return None


def require_entitlement(
    viewer: Viewer,
    entitlement: str,
    settings: Settings,
    now: datetime,
    site: SiteSettings | None = None,
) -> None:
    """Raise the gate's refusal for an action needing ``entitlement`` (comment, react, report).

    ``site`` adds that site's own requirements (a registered name) to commenting."""
    if entitlement == "comment":
        block = comment_block(viewer, settings, now, site)
        if block is not None:
            raise Forbidden(block.message, code=block.code, **_extra(block))
        return
    if not viewer.can(entitlement):
        plan = viewer.plan
        raise Forbidden(
            f"Your plan “{plan.name}” lets you {describe_entitlements(plan)}, not {entitlement}.",
            code="plan_does_not_allow_"
            + {"react": "reacting", "report": "reporting"}.get(entitlement, entitlement),
            upgrade_url=plan.upgrade_url,
        )
    block = status_block(viewer, now)
    if block is not None:
        raise Forbidden(block.message, code=block.code, **_extra(block))


def _extra(block: CommentBlock) -> dict[str, object]:
    extra: dict[str, object] = {}
    if block.upgrade_url:
        extra["upgrade_url"] = block.upgrade_url
    if block.profile_url:
        extra["profile_url"] = block.profile_url
    if block.until:
        extra["until"] = block.until.isoformat()
    return extra
