"""``rejoinder mail-worker --once``: notifications and mail from a process that serves no HTTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from factories import make_comment, make_reader, make_story, viewer
from rejoinder.app import create_runtime
from rejoinder.cli import main
from rejoinder.notifications.schemas import NotificationSettingsUpdate
from rejoinder.notifications.service import save_settings
from rejoinder.settings import Settings
from support.notifying import MAIL_SECRET, set_email
from support.smtp import SmtpServer


async def reply(settings: Settings) -> int:
    """A reader who wants mail at once, and a reply to their comment; their account id."""
    runtime = create_runtime(settings)
    try:
        story = await make_story(runtime)
        me, other = await make_reader(runtime), await make_reader(runtime)
        await set_email(runtime, me, "me@reader.test")
        await save_settings(
            runtime,
            await viewer(runtime, me.account_id),
            NotificationSettingsUpdate(email="immediate"),
        )
        mine = await make_comment(runtime, me, story, "Mine")
        await make_comment(runtime, other, story, "Re", parent_id=mine["id"])
        return me.account_id
    finally:
        await runtime.close()


def test_the_worker_command_sends_what_serving_processes_queued(
    tmp_path: Path, settings: Settings, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(reply(settings))
    config = tmp_path / "rejoinder.toml"
    config.write_text(
        f'[database]\nurl = "{settings.database.url}"\n\n[mail]\n'
        f'smtp_url = "{smtp_server.url}"\nsecret = "{MAIL_SECRET}"\n'
        'from_address = "News <news@planet.test>"\n\n'
        '[[sites]]\nid = "news"\nname = "The Daily Planet"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "mail-worker", "--once"]) == 0
    assert "sent 1 mail(s)" in capsys.readouterr().out
    [mail] = smtp_server.sink.messages
    assert mail["To"] == "me@reader.test"
    assert main(["--config", str(config), "mail-worker", "--once"]) == 0
    assert "sent 0 mail(s)" in capsys.readouterr().out


def test_unsubscribing_by_mail_the_list_unsubscribe_mailto(
    tmp_path: Path, settings: Settings, smtp_server: SmtpServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """RFC 2369's ``mailto:`` after RFC 8058's one-click link, when an address is configured;
    the subject it carries, handed to ``rejoinder mail-unsubscribe``, turns mail off."""
    from email.utils import parseaddr
    from urllib.parse import parse_qs, urlsplit

    from rejoinder.notifications import preferences

    settings.mail.unsubscribe_mailto = "unsubscribe@planet.test"

    async def email_of(account_id: int) -> str:
        runtime = create_runtime(settings)
        try:
            async with runtime.db.read() as conn:
                return (await preferences.read(conn, account_id)).email
        finally:
            await runtime.close()

    me = asyncio.run(reply(settings))
    config = tmp_path / "rejoinder.toml"
    config.write_text(
        f'[database]\nurl = "{settings.database.url}"\n\n[mail]\n'
        f'smtp_url = "{smtp_server.url}"\nsecret = "{MAIL_SECRET}"\n'
        'from_address = "News <news@planet.test>"\n'
        'unsubscribe_mailto = "unsubscribe@planet.test"\n\n'
        '[[sites]]\nid = "news"\nname = "The Daily Planet"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(config), "mail-worker", "--once"]) == 0
    [mail] = smtp_server.sink.messages
    link, mailto = (part.strip().strip("<>") for part in mail["List-Unsubscribe"].split(","))
    assert urlsplit(link).path == "/mail/unsubscribe"  # the one-click link comes first
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = urlsplit(mailto)
    assert (target.scheme, parseaddr(target.path)[1]) == ("mailto", "unsubscribe@planet.test")
    [subject] = parse_qs(target.query)["subject"]
    assert subject == "unsubscribe " + parse_qs(urlsplit(link).query)["token"][0]
    capsys.readouterr()

    # What a mailbox filter hands over (a reply's "Re: " and all); a damaged token is refused.
    assert main(["--config", str(config), "mail-unsubscribe", "Re: unsubscribe 1.2.forged"]) == 1
    assert asyncio.run(email_of(me)) == "immediate"
    assert main(["--config", str(config), "mail-unsubscribe", f"Re: {subject}"]) == 0
    assert "unsubscribed" in capsys.readouterr().out
    assert asyncio.run(email_of(me)) == "off"
