"""Actions on a reader's profile: creating or changing the display name, and the bio."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts.models import accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.events.catalogue import DisplayNameChanged, RegisteredNameChanged
from rejoinder.kernel.errors import Conflict, Invalid
from rejoinder.profiles.models import display_name_history, reserved_names
from rejoinder.profiles.policy import NameVerdict
from rejoinder.profiles.registered import check_part, save_script
from rejoinder.profiles.schemas import NameCheck
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection

BIO_MAX = 500


def clean_bio(bio: str) -> str:
    """Plain text; control characters go, line breaks stay."""
    text = "".join(
        ch for ch in bio if ch in "\n" or not unicodedata.category(ch).startswith("C")
    ).strip()
    if len(text) > BIO_MAX:
        raise Invalid(f"A bio can be at most {BIO_MAX} characters.", code="bio_too_long")
    return text


@dataclass(frozen=True, slots=True)
class NameWindow:
    """When the reader may next change their display name.

    ``allowed_at`` is None when a change is possible now; ``correction_until`` is set while a
    brand-new first name may still be corrected once (the grace period for a typo).
    """

    allowed_at: datetime | None
    correction_until: datetime | None


async def name_window(
    conn: Connection, settings: Settings, account_id: int, now: datetime
) -> NameWindow:
    """The cool-down of one account, from its display-name history."""
    names = settings.display_names
    row = (
        await conn.execute(
            select(func.count(), func.max(display_name_history.c.changed_at)).where(
                display_name_history.c.account_id == account_id
            )
        )
    ).one()
    count, last = int(row[0]), row[1]
    if last is None:  # no name yet: creating one is always allowed
        return NameWindow(None, None)
    if count == 1:  # only the first name: one correction within the grace period
        until = last + timedelta(minutes=names.correction_grace_minutes)
        if until > now:
            return NameWindow(None, until)
    allowed = last + timedelta(days=names.change_cooldown_days)
    return NameWindow(allowed if allowed > now else None, None)


def _too_soon(allowed: datetime) -> Conflict:
    return Conflict(
        f"You changed your display name recently; you can change it again on {allowed:%Y-%m-%d}.",
        code="display_name_change_too_soon",
        retry_at=allowed.isoformat(),
    )


def _refuse(verdict: NameVerdict) -> Invalid:
    return Invalid(
        verdict.message or "This display name is not allowed.",
        code=verdict.code or "display_name_invalid",
        reason=verdict.reason,
    )


async def check_display_name(runtime: Runtime, raw: str, account_id: int | None) -> NameCheck:
    """Policy and availability, without reserving anything (live feedback while typing)."""
    verdict = runtime.names.check(raw)
    if not verdict.ok:
        return NameCheck(
            available=False,
            display_name=verdict.display,
            code=verdict.code,
            reason=verdict.reason,
            message=verdict.message,
        )
    async with runtime.db.read() as conn:
        holder = await _holder(conn, verdict)
        window = (
            await name_window(conn, runtime.settings, account_id, runtime.clock.now())
            if account_id is not None and (holder is None or holder.id != account_id)
            else None
        )
    if window is not None and window.allowed_at is not None:
        # Say it while typing: "available" followed by a refusal on saving misleads.
        refusal = _too_soon(window.allowed_at)
        return NameCheck(
            available=False,
            display_name=verdict.display,
            code=refusal.code,
            message=refusal.message,
            retry_at=refusal.extra["retry_at"],
        )
    if holder is not None and holder.id != account_id:
        refusal = _taken(verdict, holder.display_name_key)
        return NameCheck(
            available=False,
            display_name=verdict.display,
            code=refusal.code,
            reason=refusal.extra["reason"],
            message=refusal.message,
        )
    return NameCheck(available=True, display_name=verdict.display)


async def _holder(conn: Connection, verdict: NameVerdict) -> Any:
    """The account holding this name or one confusable with it; else a reservation of it
    (an imported author's name: its ``id`` is the account that claimed it, or 0)."""
    holder = (
        await conn.execute(
            select(accounts.c.id, accounts.c.display_name_key).where(
                or_(
                    accounts.c.display_name_key == verdict.key,
                    accounts.c.display_name_skeleton == verdict.skeleton,
                )
            )
        )
    ).first()
    if holder is not None:
        return holder
    return (
        await conn.execute(
            select(
                func.coalesce(reserved_names.c.claimed_by, 0).label("id"),
                reserved_names.c.name_key.label("display_name_key"),
            ).where(
                or_(
                    reserved_names.c.name_key == verdict.key,
                    reserved_names.c.skeleton == verdict.skeleton,
                )
            )
        )
    ).first()


def _taken(verdict: NameVerdict, holder_key: str | None) -> Conflict:
    if holder_key == verdict.key:
        return Conflict(
            f"The display name “{verdict.display}” is already taken; try another.",
            code="display_name_taken",
            reason="taken",
        )
    return Conflict(
        f"“{verdict.display}” looks too much like a display name someone already uses; "
        "try another.",
        code="display_name_taken",
        reason="confusable",
    )


async def update_profile(
    runtime: Runtime,
    viewer: Viewer,
    display_name: str | None,
    bio: str | None,
    *,
    registered_first_name: str | None = None,
    registered_surname: str | None = None,
) -> None:
    """Create or change the display name (policy, uniqueness, cool-down), the bio and/or the
    registered name (checked against the strictest script rule of the sites needing one)."""
    verdict = runtime.names.check(display_name) if display_name is not None else None
    if verdict is not None and not verdict.ok:
        raise _refuse(verdict)
    new_bio = clean_bio(bio) if bio is not None else None
    script = save_script(runtime.settings)
    registered: dict[str, object] = {}
    if registered_first_name is not None:
        registered["registered_first_name"] = check_part(
            registered_first_name, "first_name", script
        )
    if registered_surname is not None:
        registered["registered_surname"] = check_part(registered_surname, "surname", script)
    now = runtime.clock.now()
    try:
        async with runtime.db.transaction() as tx:
            current = (
                await tx.conn.execute(
                    select(accounts.c.display_name, accounts.c.display_name_changed_at).where(
                        accounts.c.id == viewer.account_id
                    )
                )
            ).one()
            values: dict[str, object] = {"updated_at": now}
            if new_bio is not None:
                values["bio"] = new_bio
            if registered:
                values |= registered
                # The name itself stays out of the event log (webhooks, live): only that it changed.
                tx.emit(RegisteredNameChanged(account_id=viewer.account_id))
            if verdict is not None and verdict.display != current.display_name:
                if current.display_name is not None:
                    window = await name_window(tx.conn, runtime.settings, viewer.account_id, now)
                    if window.allowed_at is not None:
                        raise _too_soon(window.allowed_at)
                holder = await _holder(tx.conn, verdict)
                if holder is not None and holder.id != viewer.account_id:
                    raise _taken(verdict, holder.display_name_key)
                values |= {
                    "display_name": verdict.display,
                    "display_name_key": verdict.key,
                    "display_name_skeleton": verdict.skeleton,
                    "display_name_changed_at": now,
                }
                await tx.conn.execute(
                    insert(display_name_history).values(
                        account_id=viewer.account_id,
                        previous_name=current.display_name,
                        display_name=verdict.display,
                        changed_at=now,
                    )
                )
                tx.emit(
                    DisplayNameChanged(
                        account_id=viewer.account_id,
                        display_name=verdict.display,
                        previous=current.display_name,
                    )
                )
            await tx.conn.execute(
                update(accounts).where(accounts.c.id == viewer.account_id).values(**values)
            )
    except IntegrityError:  # a concurrent claim of the same (or a confusable) name won
        assert verdict is not None
        raise _taken(verdict, verdict.key) from None
