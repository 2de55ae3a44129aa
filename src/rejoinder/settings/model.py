"""The ``Settings`` object: one section per concern, plans and sites as lists."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct, field

from rejoinder.settings.content import CommentSettings, SiteSettings
from rejoinder.settings.identity import (
    AccountSettings,
    DisplayNameSettings,
    PlanSettings,
    SsoSettings,
)
from rejoinder.settings.live import LiveSettings
from rejoinder.settings.mail import MailSettings
from rejoinder.settings.moderation import ModerationSettings
from rejoinder.settings.operations import CompressionSettings, LoggingSettings, MetricsSettings
from rejoinder.settings.policies import TakedownSettings
from rejoinder.settings.service import (
    DatabaseSettings,
    EventSettings,
    RedisSettings,
    ServerSettings,
)
from rejoinder.settings.webhooks import WebhookSettings


def _default_plans() -> list[PlanSettings]:
    return [
        PlanSettings(id="free", name="Free", entitlements=["read"]),
        PlanSettings(
            id="member", name="Member", entitlements=["read", "comment", "react", "report"]
        ),
    ]


class Settings(Struct, kw_only=True, forbid_unknown_fields=True):
    database: DatabaseSettings = field(default_factory=DatabaseSettings)
    server: ServerSettings = field(default_factory=ServerSettings)
    redis: RedisSettings = field(default_factory=RedisSettings)
    events: EventSettings = field(default_factory=EventSettings)
    sso: SsoSettings = field(default_factory=SsoSettings)
    accounts: AccountSettings = field(default_factory=AccountSettings)
    display_names: DisplayNameSettings = field(default_factory=DisplayNameSettings)
    comments: CommentSettings = field(default_factory=CommentSettings)
    moderation: ModerationSettings = field(default_factory=ModerationSettings)
    metrics: MetricsSettings = field(default_factory=MetricsSettings)
    logging: LoggingSettings = field(default_factory=LoggingSettings)
    compression: CompressionSettings = field(default_factory=CompressionSettings)
    live: LiveSettings = field(default_factory=LiveSettings)
    webhooks: WebhookSettings = field(default_factory=WebhookSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    takedowns: TakedownSettings = field(default_factory=TakedownSettings)
    plans: Annotated[
        list[PlanSettings], Meta(description="Subscription plans, as `[[plans]]` tables.")
    ] = field(default_factory=_default_plans)
    sites: Annotated[
        list[SiteSettings], Meta(description="Sites (publications), as `[[sites]]` tables.")
    ] = field(default_factory=list)

    def plan(self, plan_id: str) -> PlanSettings | None:
        for plan in self.plans:
            if plan.id == plan_id:
                return plan
        return None

    def plan_terms(self) -> dict[str, dict[str, str]]:
        """Plan names and badges in other languages: ``{lang: {"Premium": "プレミアム"}}``
        (what a page in ``lang`` shows for the English words the API sends)."""
        terms: dict[str, dict[str, str]] = {}
        for plan in self.plans:
            for lang, name in plan.names.items():
                terms.setdefault(lang, {})[plan.name] = name
            if plan.badge:
                for lang, badge in plan.badges.items():
                    terms.setdefault(lang, {})[plan.badge] = badge
        return terms

    def site(self, site_id: str) -> SiteSettings | None:
        for site in self.sites:
            if site.id == site_id:
                return site
        return None


SECTIONS: dict[str, type[Struct]] = {
    "database": DatabaseSettings,
    "server": ServerSettings,
    "redis": RedisSettings,
    "events": EventSettings,
    "sso": SsoSettings,
    "accounts": AccountSettings,
    "display_names": DisplayNameSettings,
    "comments": CommentSettings,
    "moderation": ModerationSettings,
    "metrics": MetricsSettings,
    "logging": LoggingSettings,
    "compression": CompressionSettings,
    "live": LiveSettings,
    "webhooks": WebhookSettings,
    "mail": MailSettings,
    "takedowns": TakedownSettings,
}
