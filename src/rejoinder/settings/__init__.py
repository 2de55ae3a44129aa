"""One typed settings object for the whole service.

Settings come from three layers, later ones winning: the defaults below, a TOML file
(``--config`` or ``REJOINDER_CONFIG``), and ``REJOINDER_<SECTION>_<KEY>`` environment
variables (for example ``REJOINDER_DATABASE_URL``). Every key carries its description in
its type, so ``rejoinder config-reference`` can print the operator's reference from this package.
"""

from rejoinder.settings.content import CommentSettings, SiteSettings
from rejoinder.settings.errors import ConfigError
from rejoinder.settings.identity import (
    DEMO_ADMIN_KEY,
    DEMO_SSO_SECRET,
    ENTITLEMENTS,
    MIN_HS256_SECRET_BYTES,
    AccountSettings,
    DisplayNameSettings,
    PlanSettings,
    SsoKey,
    SsoSettings,
)
from rejoinder.settings.live import LiveSettings
from rejoinder.settings.loading import check_settings, load_settings
from rejoinder.settings.mail import MailSettings
from rejoinder.settings.model import SECTIONS, Settings
from rejoinder.settings.moderation import ModerationSettings, QuietHours
from rejoinder.settings.operations import CompressionSettings, LoggingSettings, MetricsSettings
from rejoinder.settings.policies import ProtectionRule, TakedownSettings
from rejoinder.settings.service import (
    DatabaseSettings,
    EventSettings,
    RedisSettings,
    ServerSettings,
)
from rejoinder.settings.webhooks import WebhookSettings

__all__ = [
    "DEMO_ADMIN_KEY",
    "DEMO_SSO_SECRET",
    "ENTITLEMENTS",
    "MIN_HS256_SECRET_BYTES",
    "SECTIONS",
    "AccountSettings",
    "CommentSettings",
    "CompressionSettings",
    "ConfigError",
    "DatabaseSettings",
    "DisplayNameSettings",
    "EventSettings",
    "LiveSettings",
    "LoggingSettings",
    "MailSettings",
    "MetricsSettings",
    "ModerationSettings",
    "PlanSettings",
    "ProtectionRule",
    "QuietHours",
    "RedisSettings",
    "ServerSettings",
    "Settings",
    "SiteSettings",
    "SsoKey",
    "SsoSettings",
    "TakedownSettings",
    "WebhookSettings",
    "check_settings",
    "load_settings",
]
