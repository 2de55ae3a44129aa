"""Input and output shapes of the plan-sync API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta


class SubscriberPlan(msgspec.Struct, forbid_unknown_fields=True):
    plan: Annotated[str, Meta(min_length=1, max_length=64, description="A configured plan id.")]


class SubscriberRole(msgspec.Struct, forbid_unknown_fields=True):
    role: Literal["commenter", "staff", "moderator", "admin"]


class PlanChange(msgspec.Struct, kw_only=True):
    previous_plan: str | None
    plan: str
    source: str
    changed_at: datetime


class SubscriberView(msgspec.Struct, kw_only=True):
    external_id: str
    account_id: int
    plan: str
    role: str
    display_name: str | None
    created: bool = False
    changed: bool = False
    history: list[PlanChange] = msgspec.field(default_factory=list)
