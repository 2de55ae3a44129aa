"""The comment gate: may this reader comment, and if not, exactly why.

The order is the public contract (issue #3): plan, then display name, then account status.
``GET /api/v1/me`` shows the first block; every write action raises it.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from rejoinder.accounts.viewer import Viewer
from rejoinder.kernel.errors import Forbidden
from rejoinder.plans.catalog import describe_entitlements
from rejoinder.settings import Settings


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


def comment_block(viewer: Viewer, settings: Settings, now: datetime) -> CommentBlock | None:
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
    viewer: Viewer, entitlement: str, settings: Settings, now: datetime
) -> None:
    """Raise the gate's refusal for an action needing ``entitlement`` (comment, react, report)."""
    if entitlement == "comment":
        block = comment_block(viewer, settings, now)
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
