"""Every domain's HTTP routes, mounted in one list."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from rejoinder.account_page.api import ROUTES as ACCOUNT_PAGE_API_ROUTES
from rejoinder.account_page.pages import ROUTES as ACCOUNT_PAGE_ROUTES
from rejoinder.account_page.public import ROUTES as PUBLIC_PROFILE_ROUTES
from rejoinder.account_page.takedown import ROUTES as TAKEDOWN_FORM_ROUTES
from rejoinder.accounts.api import ROUTES as ACCOUNT_ROUTES
from rejoinder.api.health import healthz, readyz
from rejoinder.comments.api import ROUTES as COMMENT_ROUTES
from rejoinder.desk.pages import ROUTES as DESK_ROUTES
from rejoinder.imports.api import ROUTES as IMPORT_ROUTES
from rejoinder.live.api import ROUTES as LIVE_ROUTES
from rejoinder.moderation.api import ROUTES as MODERATION_ROUTES
from rejoinder.notifications.api import ROUTES as NOTIFICATION_ROUTES
from rejoinder.plans.api import ROUTES as PLAN_ROUTES
from rejoinder.policies.api import ROUTES as POLICY_ROUTES
from rejoinder.profiles.api import ROUTES as PROFILE_ROUTES
from rejoinder.stories.api import ROUTES as STORY_ROUTES
from rejoinder.webhooks.api import ROUTES as WEBHOOK_ROUTES
from rejoinder.widget.api import ROUTES as WIDGET_ROUTES

ROUTES: list[ControllerRouterHandler] = [
    healthz,
    readyz,
    *ACCOUNT_ROUTES,
    *PLAN_ROUTES,
    *PROFILE_ROUTES,
    *STORY_ROUTES,
    *COMMENT_ROUTES,
    *WIDGET_ROUTES,
    *ACCOUNT_PAGE_API_ROUTES,
    *NOTIFICATION_ROUTES,
    *ACCOUNT_PAGE_ROUTES,
    *PUBLIC_PROFILE_ROUTES,
    *TAKEDOWN_FORM_ROUTES,
    *MODERATION_ROUTES,
    *POLICY_ROUTES,
    *DESK_ROUTES,
    *LIVE_ROUTES,
    *WEBHOOK_ROUTES,
    *IMPORT_ROUTES,
]
