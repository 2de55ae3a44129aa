"""Notifications tests: a real SMTP server (aiosmtpd) that the runtime's mailer sends to."""

from __future__ import annotations

import pytest

from conftest import RsaPair, make_settings
from rejoinder.settings import Settings, SiteSettings
from support.notifying import MAIL_SECRET
from support.smtp import SmtpServer, smtp_server

__all__ = ["smtp_server"]


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair, smtp_server: SmtpServer) -> Settings:
    settings = make_settings(database_url, rsa_key)
    settings.mail.smtp_url = smtp_server.url
    settings.mail.secret = MAIL_SECRET
    settings.mail.from_address = "The Daily Planet <news@planet.test>"
    settings.mail.reply_to = "letters@planet.test"
    settings.mail.timeout_seconds = 5
    # A Japanese site: its readers' digests default to Japan Standard Time, in Japanese.
    settings.sites.append(
        SiteSettings(id="jp", name="Tokyo Planet", language="ja", allowed_domains=["jp.news.test"])
    )
    return settings
