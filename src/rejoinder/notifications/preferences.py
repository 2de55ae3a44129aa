"""A reader's notification settings: stored, defaulted, and what the consumer needs of them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import bindparam, insert, select, update

from rejoinder.events.catalogue import NotificationSettingsChanged
from rejoinder.kernel.errors import Invalid
from rejoinder.notifications.models import notification_preferences as prefs
from rejoinder.notifications.schemas import NotificationSettings, NotificationSettingsUpdate
from rejoinder.settings import Settings, SiteSettings
from rejoinder.storage.database import Connection, Transaction
from rejoinder.storage.statements import defined

DEFAULTS = NotificationSettings(
    reply=True,
    featured=True,
    moderation=True,
    staff_reply=True,
    email="off",
    time_zone=None,
    language=None,
)
COLUMN_OF_KIND = {
    "reply": "reply_notifications",
    "featured": "featured_notifications",
    "moderation": "moderation_notifications",
    "staff_reply": "staff_reply_notifications",
}
READ = defined(select(prefs).where(prefs.c.account_id == bindparam("account_id")))


def from_row(row: Any) -> NotificationSettings:
    return NotificationSettings(
        reply=row.reply_notifications,
        featured=row.featured_notifications,
        moderation=row.moderation_notifications,
        staff_reply=row.staff_reply_notifications,
        email=row.email_digest,
        time_zone=row.time_zone,
        language=row.language,
    )


async def read(conn: Connection, account_id: int) -> NotificationSettings:
    row = (await conn.execute(READ, {"account_id": account_id})).first()
    return DEFAULTS if row is None else from_row(row)


def wants(settings: NotificationSettings, kind: str) -> bool:
    return bool(getattr(settings, kind))


def zone_of(settings: NotificationSettings, site: SiteSettings | None) -> ZoneInfo:
    for name in (settings.time_zone, site.zone if site else None, "UTC"):
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def language_of(settings: NotificationSettings, site: SiteSettings | None) -> str:
    return settings.language or (site.language if site else "en")


def _check_zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Unknown time zone {name!r}.", code="unknown_time_zone") from None


async def update_settings(
    tx: Transaction, account_id: int, change: NotificationSettingsUpdate, now: Any
) -> NotificationSettings:
    """Save the fields given; the others keep their stored (or default) value."""
    if change.time_zone:
        _check_zone(change.time_zone)
    row = (await tx.conn.execute(READ, {"account_id": account_id})).first()
    current = DEFAULTS if row is None else from_row(row)
    merged: dict[str, Any] = {}
    for field in NotificationSettings.__struct_fields__:
        value = getattr(change, field)
        merged[field] = getattr(current, field) if value is None else value
    for field in ("time_zone", "language"):
        merged[field] = merged[field] or None
    result = NotificationSettings(**merged)
    values: dict[str, Any] = {COLUMN_OF_KIND[k]: merged[k] for k in COLUMN_OF_KIND}
    values |= {
        "email_digest": result.email,
        "time_zone": result.time_zone,
        "language": result.language,
        "updated_at": now,
    }
    if row is None:
        await tx.conn.execute(insert(prefs).values(account_id=account_id, **values))
    else:
        await tx.conn.execute(
            update(prefs).where(prefs.c.account_id == account_id).values(**values)
        )
    tx.emit(
        NotificationSettingsChanged(
            account_id=account_id, settings={**merged, "updated_at": now.isoformat()}
        )
    )
    return result


def default_site(settings: Settings, site_id: str | None) -> SiteSettings | None:
    found = settings.site(site_id) if site_id else None
    return found or (settings.sites[0] if settings.sites else None)
