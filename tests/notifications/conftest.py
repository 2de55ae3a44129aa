"""Notifications tests: a real SMTP server (aiosmtpd) that the runtime's mailer sends to."""

from __future__ import annotations

import pytest

from conftest import RsaPair, make_settings
from support.notifying import MAIL_SECRET
from rejoinder.settings import Settings
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
    return settings
