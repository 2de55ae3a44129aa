"""Read side of the policies: the desk's protection alerts."""

from __future__ import annotations

from sqlalchemy import select

from rejoinder.moderation.access import Scope
from rejoinder.policies.models import protection_alerts
from rejoinder.policies.schemas import ProtectionAlert, ProtectionAlerts
from rejoinder.storage.database import Connection
from rejoinder.stories.models import stories

LIMIT = 200


async def alerts(
    conn: Connection, scope: Scope, site: str | None, *, active: bool
) -> ProtectionAlerts:
    """The newest alerts of the moderator's sites (``site`` narrows), open ones only when
    ``active``."""
    query = (
        select(protection_alerts, stories.c.story_key, stories.c.title, stories.c.url)
        .join(stories, stories.c.id == protection_alerts.c.story_id)
        .order_by(protection_alerts.c.id.desc())
        .limit(LIMIT)
    )
    if site is not None:
        scope.check(site)
        query = query.where(protection_alerts.c.site_id == site)
    elif scope.sites_or_all is not None:
        query = query.where(protection_alerts.c.site_id.in_(sorted(scope.sites)))
    if active:
        query = query.where(protection_alerts.c.reopened_at.is_(None))
    rows = (await conn.execute(query)).all()
    return ProtectionAlerts(
        alerts=[
            ProtectionAlert(
                id=row.id,
                site_id=row.site_id,
                story_id=row.story_key,
                story_title=row.title,
                story_url=row.url,
                kind=row.kind,
                count=row.count,
                threshold=row.threshold,
                window_minutes=row.window_minutes,
                action=row.action,
                message=row.message,
                triggered_at=row.triggered_at,
                reopened_at=row.reopened_at,
                reopened_by=row.reopened_by,
            )
            for row in rows
        ]
    )
