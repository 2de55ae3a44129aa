"""Actions on a reader's profile: creating or changing the display name, and the bio."""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from rejoinder.accounts.models import accounts
from rejoinder.accounts.viewer import Viewer
from rejoinder.events.catalogue import DisplayNameChanged
from rejoinder.kernel.errors import Conflict, Invalid
from rejoinder.profiles.models import display_name_history
from rejoinder.profiles.policy import NameVerdict
from rejoinder.profiles.schemas import NameCheck
from rejoinder.runtime import Runtime
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
    """The account holding this name or one confusable with it."""
    return (
        await conn.execute(
            select(accounts.c.id, accounts.c.display_name_key).where(
                or_(
                    accounts.c.display_name_key == verdict.key,
                    accounts.c.display_name_skeleton == verdict.skeleton,
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
    runtime: Runtime, viewer: Viewer, display_name: str | None, bio: str | None
) -> None:
    """Create or change the display name (policy, uniqueness, cool-down) and/or the bio."""
    verdict = runtime.names.check(display_name) if display_name is not None else None
    if verdict is not None and not verdict.ok:
        raise _refuse(verdict)
    new_bio = clean_bio(bio) if bio is not None else None
    now = runtime.clock.now()
    cooldown = timedelta(days=runtime.settings.display_names.change_cooldown_days)
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
            if verdict is not None and verdict.display != current.display_name:
                changed_at = current.display_name_changed_at
                if current.display_name is not None and changed_at and changed_at + cooldown > now:
                    allowed = changed_at + cooldown
                    raise Conflict(
                        "You changed your display name recently; you can change it again on "
                        f"{allowed:%Y-%m-%d}.",
                        code="display_name_change_too_soon",
                        retry_at=allowed.isoformat(),
                    )
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
