"""Read side of plans: a subscriber as the billing system sees it."""

from __future__ import annotations

from sqlalchemy import select

from rejoinder.accounts.models import accounts
from rejoinder.kernel.errors import NotFound
from rejoinder.plans.models import plan_history
from rejoinder.plans.schemas import PlanChange, SubscriberView
from rejoinder.runtime import Runtime


async def subscriber_view(runtime: Runtime, external_id: str) -> SubscriberView:
    async with runtime.db.read() as conn:
        row = (
            await conn.execute(
                select(
                    accounts.c.id, accounts.c.plan_id, accounts.c.role, accounts.c.display_name
                ).where(accounts.c.external_id == external_id)
            )
        ).first()
        if row is None:
            raise NotFound(
                f"No subscriber has the id {external_id!r} yet.", code="unknown_subscriber"
            )
        history = (
            await conn.execute(
                select(plan_history)
                .where(plan_history.c.account_id == row.id)
                .order_by(plan_history.c.id)
            )
        ).all()
    return SubscriberView(
        external_id=external_id,
        account_id=row.id,
        plan=row.plan_id,
        role=row.role,
        display_name=row.display_name,
        history=[
            PlanChange(
                previous_plan=h.previous_plan_id,
                plan=h.plan_id,
                source=h.source,
                changed_at=h.changed_at,
            )
            for h in history
        ],
    )
