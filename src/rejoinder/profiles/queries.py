"""Read side of profiles: the ``/me`` view."""

from __future__ import annotations

from sqlalchemy import select

from rejoinder.accounts.models import accounts
from rejoinder.accounts.queries import viewer_for_account
from rejoinder.kernel.errors import NotFound
from rejoinder.plans.gate import comment_block, profile_url
from rejoinder.profiles.registered import save_script
from rejoinder.profiles.schemas import MeView, PlanView
from rejoinder.profiles.service import name_window
from rejoinder.runtime import Runtime


async def me_view(runtime: Runtime, account_id: int, site_id: str | None = None) -> MeView:
    """``site_id`` (the widget's site) adds that site's requirements to ``comment_blocked``."""
    settings = runtime.settings
    site = settings.site(site_id) if site_id else None
    async with runtime.db.read() as conn:
        viewer = await viewer_for_account(conn, account_id, settings)
        row = (
            await conn.execute(
                select(accounts.c.email, accounts.c.bio, accounts.c.display_name_changed_at).where(
                    accounts.c.id == account_id
                )
            )
        ).first()
        now = runtime.clock.now()
        window = await name_window(conn, settings, account_id, now)
    if viewer is None or row is None:
        raise NotFound("There is no such account.", code="unknown_account")
    block = comment_block(viewer, settings, now, site)
    script: str
    if site is not None:
        needs_name, script = site.registered_name_required, site.registered_name_script
    else:
        needs_name = any(s.registered_name_required for s in settings.sites)
        script = save_script(settings)
    plan = viewer.plan
    badges = [*([plan.badge] if plan.badge else []), *viewer.badges]
    if viewer.is_staff:
        badges.insert(0, "Staff")
    return MeView(
        id=viewer.account_id,
        email=row.email,
        role=viewer.role,
        plan=PlanView(
            id=plan.id,
            name=plan.name,
            entitlements=list(plan.entitlements),
            badge=plan.badge,
            upgrade_url=plan.upgrade_url,
        ),
        display_name=viewer.display_name,
        bio=row.bio,
        badges=badges,
        can_comment=block is None,
        comment_blocked=block,
        profile_url=profile_url(settings),
        display_name_changed_at=row.display_name_changed_at,
        display_name_change_allowed_at=window.allowed_at,
        display_name_correction_until=window.correction_until,
        registered_first_name=viewer.registered_first_name,
        registered_surname=viewer.registered_surname,
        registered_name_required=needs_name,
        registered_name_script=script,
    )
