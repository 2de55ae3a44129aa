"""Settings of the demo publication. The credentials here are public and demo-only."""

from __future__ import annotations

from rejoinder.settings import (
    DEMO_ADMIN_KEY,
    DEMO_SSO_SECRET,
    AccountSettings,
    DatabaseSettings,
    LoggingSettings,
    PlanSettings,
    ServerSettings,
    Settings,
    SiteSettings,
    SsoKey,
    SsoSettings,
)

READER_ENTITLEMENTS = ["read", "comment", "react", "report"]


def demo_settings(database_url: str = "sqlite:///var/demo.sqlite3", port: int = 8000) -> Settings:
    return Settings(
        database=DatabaseSettings(url=database_url),
        logging=LoggingSettings(format="text"),  # a terminal, not a log collector
        server=ServerSettings(port=port, public_url=f"http://127.0.0.1:{port}", demo=True),
        sso=SsoSettings(keys=[SsoKey(kid="demo", algorithm="HS256", secret=DEMO_SSO_SECRET)]),
        accounts=AccountSettings(default_plan="free", admin_api_keys=[DEMO_ADMIN_KEY]),
        plans=[
            PlanSettings(
                id="free",
                name="Free",
                names={"ja": "無料"},
                entitlements=["read"],
                upgrade_url=f"http://127.0.0.1:{port}/demo/subscribe",
            ),
            PlanSettings(
                id="digital",
                name="Digital",
                names={"ja": "デジタル"},
                entitlements=READER_ENTITLEMENTS,
            ),
            PlanSettings(
                id="premium",
                name="Premium",
                names={"ja": "プレミアム"},
                entitlements=READER_ENTITLEMENTS,
                badge="Premium",
                badges={"ja": "プレミアム"},
            ),
        ],
        sites=[
            SiteSettings(
                id="demo",
                name="The Daily Bugle",
                allowed_domains=["127.0.0.1", "localhost"],
                auto_close_days=30,
                subscribe_url=f"http://127.0.0.1:{port}/demo/subscribe",
                home_url=f"http://127.0.0.1:{port}/",
                accent_color="#9b1c1c",
            )
        ],
    )
