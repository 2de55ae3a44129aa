"""Every domain's HTTP routes, mounted in one list."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from rejoinder.accounts.api import ROUTES as ACCOUNT_ROUTES
from rejoinder.api.health import healthz
from rejoinder.plans.api import ROUTES as PLAN_ROUTES
from rejoinder.profiles.api import ROUTES as PROFILE_ROUTES

ROUTES: list[ControllerRouterHandler] = [
    healthz,
    *ACCOUNT_ROUTES,
    *PLAN_ROUTES,
    *PROFILE_ROUTES,
]
