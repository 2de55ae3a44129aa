"""Looking plans up in the configuration."""

from __future__ import annotations

from rejoinder.kernel.errors import Invalid
from rejoinder.settings import PlanSettings, Settings


def plan_or_retired(settings: Settings, plan_id: str) -> PlanSettings:
    """A stored plan id that the configuration no longer has grants nothing, safely."""
    plan = settings.plan(plan_id)
    if plan is None:
        return PlanSettings(id=plan_id, name=plan_id, entitlements=[])
    return plan


def require_plan(settings: Settings, plan_id: str) -> PlanSettings:
    plan = settings.plan(plan_id)
    if plan is None:
        known = ", ".join(p.id for p in settings.plans)
        raise Invalid(f"There is no plan {plan_id!r}; known plans: {known}.", code="unknown_plan")
    return plan


def describe_entitlements(plan: PlanSettings) -> str:
    words = {"read": "read comments", "comment": "comment", "react": "react", "report": "report"}
    allowed = [words[e] for e in plan.entitlements if e in words]
    if not allowed:
        return "nothing yet"
    return allowed[0] if len(allowed) == 1 else ", ".join(allowed[:-1]) + " and " + allowed[-1]
