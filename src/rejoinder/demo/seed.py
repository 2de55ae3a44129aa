"""Demo readers in every state of the comment box (PRODUCT.md §2). Seeding is idempotent."""

from __future__ import annotations

from datetime import timedelta

import msgspec

from rejoinder.accounts import service as accounts_service
from rejoinder.accounts.queries import viewer_for_account
from rejoinder.plans import service as plans_service
from rejoinder.profiles import service as profiles_service
from rejoinder.runtime import Runtime


class DemoReader(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    plan: str
    display_name: str | None = None
    role: str = "commenter"
    status: str = "active"


READERS = (
    DemoReader(key="free", label="Free plan (read only)", plan="free"),
    DemoReader(key="digital-new", label="Digital, no display name yet", plan="digital"),
    DemoReader(
        key="digital",
        label="Digital, with a display name",
        plan="digital",
        display_name="Mary Jane",
    ),
    DemoReader(key="premium", label="Premium subscriber", plan="premium", display_name="Ned Leeds"),
    DemoReader(
        key="moderator",
        label="Moderator",
        plan="premium",
        display_name="Robbie Robertson",
        role="moderator",
    ),
    DemoReader(
        key="suspended",
        label="Suspended reader",
        plan="digital",
        display_name="Flash Thompson",
        status="suspended",
    ),
)


def external_id(reader: DemoReader) -> str:
    return f"demo-{reader.key}"


async def seed_readers(runtime: Runtime) -> None:
    from sqlalchemy import update

    from rejoinder.accounts.models import accounts

    for reader in READERS:
        result = await plans_service.sync_subscriber(runtime, external_id(reader), reader.plan)
        if not result.created:
            continue
        if reader.role != "commenter":
            await accounts_service.set_role(runtime, result.account_id, reader.role)
        async with runtime.db.read() as conn:
            viewer = await viewer_for_account(conn, result.account_id, runtime.settings)
        assert viewer is not None
        if reader.display_name:
            await profiles_service.update_profile(runtime, viewer, reader.display_name, None)
        if reader.status != "active":
            until = runtime.clock.now() + timedelta(days=3)
            async with runtime.db.transaction() as tx:
                await tx.conn.execute(
                    update(accounts)
                    .where(accounts.c.id == result.account_id)
                    .values(
                        status=reader.status,
                        status_until=until,
                        status_reason="Repeated personal attacks (demo).",
                    )
                )


async def seed(runtime: Runtime) -> None:
    await seed_readers(runtime)
