"""Takedown mail over a real SMTP server (aiosmtpd): the requester's acknowledgement and
decision, the moderators' reminders; each once, retried under one Message-ID."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from conftest import RsaPair, make_settings
from factories import Reader, make_comment, make_moderator, make_reader, make_story
from rejoinder.kernel.clock import FrozenClock
from rejoinder.notifications.models import mails
from rejoinder.policies.models import takedown_messages
from rejoinder.policies.takedowns import remind
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings, SiteSettings
from support.notifying import MAIL_SECRET, consume, notifier, pump, set_email
from support.smtp import SmtpServer, smtp_server

__all__ = ["smtp_server"]
Client = httpx.AsyncClient


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair, smtp_server: SmtpServer) -> Settings:
    settings = make_settings(database_url, rsa_key)
    settings.mail.smtp_url = smtp_server.url
    settings.mail.secret = MAIL_SECRET
    settings.mail.from_address = "The Daily Planet <news@planet.test>"
    settings.mail.timeout_seconds = 5
    settings.sites.append(
        SiteSettings(
            id="jp", name="東京プラネット", language="ja", allowed_domains=["jp.news.test"]
        )
    )
    return settings


async def file(client: Client, runtime: Runtime, site: str = "news", **extra: Any) -> int:
    author = await make_reader(runtime)
    story = await make_story(runtime, site=site, url=f"https://{site}.news.test/a")
    comment = await make_comment(runtime, author, story, "A harsh claim", site=site)
    response = await client.post(
        f"/api/v1/sites/{site}/takedowns",
        json={
            "comment_id": comment["id"],
            "reason": "defamation",
            "contact_name": "Legal Dept.",
            "contact_email": "legal@firm.test",
            "statement": "False claims about our client.",
            **extra,
        },
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def decide(client: Client, moderator: Reader, request_id: int, outcome: str) -> None:
    response = await client.post(
        f"/api/v1/moderation/takedowns/{request_id}/decision",
        json={"outcome": outcome, "reason": "An unverified claim about a person."},
        headers=moderator.headers,
    )
    assert response.status_code == 200, response.text


async def mail_rows(runtime: Runtime) -> list[Any]:
    async with runtime.db.read() as conn:
        return list((await conn.execute(select(mails).order_by(mails.c.id))).all())


async def cycle(runtime: Runtime) -> int:
    """Two rounds: a round's reminders are events, which the next round's consumer mails
    (in a serving process the relay's loop does it at once and wakes the worker)."""
    return await pump(runtime) + await pump(runtime)


def text_of(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


async def test_the_requester_gets_the_acknowledgement_then_the_decision(
    client: Client, runtime: Runtime, smtp_server: SmtpServer
) -> None:
    request_id = await file(client, runtime)
    assert await pump(runtime) == 1
    [(to, received)] = smtp_server.sink.received
    assert to == ["legal@firm.test"]
    assert received["To"] == "legal@firm.test"
    assert received["Subject"] == f"The Daily Planet: we received your request #{request_id}"
    assert "Dear Legal Dept." in text_of(received)
    assert "List-Unsubscribe" not in received  # an answer to their own request
    html = received.get_body(("html",)).get_content()
    assert "<p>Dear Legal Dept.,</p>" in html

    moderator = await make_moderator(runtime)
    await decide(client, moderator, request_id, "remove")
    assert await pump(runtime) == 1
    decision = smtp_server.sink.messages[1]
    assert decision["Subject"] == f"The Daily Planet: decision on your request #{request_id}"
    assert "has been removed" in text_of(decision)
    assert "An unverified claim about a person." in text_of(decision)
    # Each queued once: running the consumer and the worker again sends nothing more.
    assert await pump(runtime) == 0
    assert len(smtp_server.sink.messages) == 2
    rows = await mail_rows(runtime)
    assert [(r.account_id, r.to_email, r.status) for r in rows] == [
        (None, "legal@firm.test", "sent"),
        (None, "legal@firm.test", "sent"),
    ]
    async with runtime.db.read() as conn:
        ids = (
            (
                await conn.execute(
                    select(takedown_messages.c.mail_message_id).order_by(takedown_messages.c.id)
                )
            )
            .scalars()
            .all()
        )
    assert ids == [rows[0].message_id, rows[1].message_id]
    assert decision["Message-ID"] == rows[1].message_id


async def test_in_japanese_for_a_japanese_site_or_when_asked(
    client: Client, runtime: Runtime, smtp_server: SmtpServer
) -> None:
    on_jp = await file(client, runtime, site="jp")
    asked = await file(client, runtime, language="ja")
    assert await pump(runtime) == 2
    subjects = sorted(str(m["Subject"]) for m in smtp_server.sink.messages)
    assert subjects == sorted(
        [
            f"東京プラネット：削除依頼 #{on_jp} を受け付けました",
            f"The Daily Planet：削除依頼 #{asked} を受け付けました",
        ]
    )
    assert all("Legal Dept. 様" in text_of(m) for m in smtp_server.sink.messages)


async def test_a_temporary_refusal_is_retried_under_the_same_message_id(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    smtp_server.sink.answers = ["451 4.3.0 Try again later"]
    await file(client, runtime)
    assert await pump(runtime) == 0
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("queued", 1)
    clock.advance(minutes=1, seconds=1)
    assert await pump(runtime) == 1
    [received] = smtp_server.sink.messages
    assert received["Message-ID"] == row.message_id
    assert smtp_server.sink.attempts == 2


async def test_a_worker_killed_after_its_claim_leaves_the_mail_for_the_next(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    await file(client, runtime)
    await consume(runtime)
    worker = notifier(runtime).worker
    [claimed] = await worker.claim()  # ... and the worker dies here
    assert await worker.claim() == []  # the lease holds
    clock.advance(minutes=5, seconds=1)
    assert await pump(runtime) == 1
    [received] = smtp_server.sink.messages
    assert received["Message-ID"] == claimed.message_id


async def test_moderators_are_reminded_once_when_due_within_a_day_and_once_when_overdue(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    mine = await make_moderator(runtime)
    admin = await make_moderator(runtime, admin=True)
    elsewhere = await make_moderator(runtime, sites=("sport",))
    for who, address in ((mine, "mod@planet.test"), (admin, "admin@planet.test"),
                         (elsewhere, "sport@planet.test")):  # fmt: skip
        await set_email(runtime, who, address)
    request_id = await file(client, runtime)
    decided = await file(client, runtime)
    await decide(client, mine, decided, "keep")
    assert await cycle(runtime) == 3  # two acknowledgements, one decision
    smtp_server.sink.received.clear()

    clock.advance(days=5, hours=23)  # 25 hours left: not yet
    assert await cycle(runtime) == 0
    clock.advance(hours=2)  # 23 hours left
    assert await cycle(runtime) == 2
    tos = sorted(to[0] for to, _ in smtp_server.sink.received)
    assert tos == ["admin@planet.test", "mod@planet.test"]
    first = smtp_server.sink.messages[0]
    assert first["Subject"] == (
        f"The Daily Planet: takedown request #{request_id} is due within 24 hours"
    )
    assert "http://rejoinder.test/admin#takedowns" in text_of(first)
    assert "List-Unsubscribe" not in first
    assert await cycle(runtime) == 0  # once
    listed = await client.get("/api/v1/moderation/takedowns", headers=mine.headers)
    [open_one] = listed.json()["requests"]
    assert (open_one["due_within_day"], open_one["overdue"]) == (True, False)

    clock.advance(days=1)
    assert await cycle(runtime) == 2
    overdue = smtp_server.sink.messages[2]
    assert overdue["Subject"] == f"The Daily Planet: takedown request #{request_id} is overdue"
    clock.advance(days=3)
    assert await cycle(runtime) == 0  # once
    assert await remind(runtime.db, runtime.clock) == 0


async def test_a_request_first_seen_overdue_is_reminded_only_as_overdue(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    await set_email(runtime, await make_moderator(runtime), "mod@planet.test")
    await file(client, runtime)
    await consume(runtime)
    clock.advance(days=8)
    assert await cycle(runtime) == 2  # the acknowledgement, then one reminder
    subjects = [str(m["Subject"]) for m in smtp_server.sink.messages]
    assert subjects[1].endswith("is overdue")
    assert await cycle(runtime) == 0


async def test_a_request_decided_before_its_reminder_is_mailed_says_nothing(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    moderator = await make_moderator(runtime)
    await set_email(runtime, moderator, "mod@planet.test")
    request_id = await file(client, runtime)
    await cycle(runtime)
    clock.advance(days=6, hours=1)
    assert await remind(runtime.db, runtime.clock) == 1  # the event is written ...
    await decide(client, moderator, request_id, "keep")  # ... and decided before it is read
    assert await cycle(runtime) == 1  # the decision only
    assert "decision on your request" in str(smtp_server.sink.messages[-1]["Subject"])
