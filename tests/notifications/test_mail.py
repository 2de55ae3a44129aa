"""Mail over a real SMTP server (aiosmtpd): what it receives, retries, give-ups, a killed
worker, unsubscribing, erasure."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import httpx
import pytest

from factories import Reader, make_comment, make_reader, make_story
from rejoinder.account_page.models import deletion_requests
from rejoinder.account_page.service import purge_due_deletions
from rejoinder.kernel.clock import FrozenClock
from rejoinder.notifications import preferences
from rejoinder.notifications.schemas import NotificationSettings, NotificationSettingsUpdate
from rejoinder.notifications.service import save_settings
from rejoinder.runtime import Runtime
from support.notifying import consume, mail_rows, notification_rows, notifier, pump, set_email
from support.smtp import SmtpServer

Client = httpx.AsyncClient


async def wants_mail(
    runtime: Runtime, reader: Reader, mode: str = "immediate", **extra: str
) -> None:
    from factories import viewer

    await save_settings(
        runtime,
        await viewer(runtime, reader.account_id),
        NotificationSettingsUpdate(email=mode, **extra),  # type: ignore[arg-type]
    )


async def replied(
    runtime: Runtime, *, address: str = "me@reader.test", replier: str = "auto", **prefs: str
) -> tuple[Reader, int]:
    """A reader who wants mail at once, and a reply to their comment; returns the reply's id."""
    story = await make_story(runtime, title="Bread prices")
    me = await make_reader(runtime)
    other = await make_reader(runtime, display_name=replier)
    await set_email(runtime, me, address)
    await wants_mail(runtime, me, **prefs)
    mine = await make_comment(runtime, me, story, "Mine")
    reply = await make_comment(runtime, other, story, "An answer", parent_id=mine["id"])
    return me, int(reply["id"])


async def saved(runtime: Runtime, reader: Reader) -> NotificationSettings:
    """Read from the table (the reader's sign-in has expired on the clock by then)."""
    async with runtime.db.read() as conn:
        return await preferences.read(conn, reader.account_id)


async def test_a_reply_mail_as_the_server_receives_it(
    runtime: Runtime, smtp_server: SmtpServer
) -> None:
    me, reply = await replied(runtime, replier="Kind Replier")
    assert await pump(runtime) == 1
    [(recipients, mail)] = smtp_server.sink.received
    assert recipients == ["me@reader.test"]
    assert mail["To"] == "me@reader.test"
    assert mail["From"] == "The Daily Planet <news@planet.test>"
    assert mail["Reply-To"] == "letters@planet.test"
    assert mail["Subject"] == "Kind Replier replied to your comment on “Bread prices”."
    assert mail["Message-ID"].endswith("@planet.test>")
    assert mail["Message-ID"] == (await mail_rows(runtime))[0].message_id
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://rejoinder.test/mail/unsubscribe?token=")
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert "Kind Replier replied to your comment" in text.get_content()
    assert f"#comment-{reply}" in text.get_content()
    assert f'#comment-{reply}"' in html.get_content()
    assert "/account/notifications" in html.get_content()
    [row] = await mail_rows(runtime, me.account_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    # Sent is sent: another round sends nothing more.
    assert await pump(runtime) == 0
    assert len(smtp_server.sink.received) == 1


async def test_japanese_mail_for_a_reader_who_reads_japanese(
    runtime: Runtime, smtp_server: SmtpServer
) -> None:
    await replied(runtime, replier="Kind Replier", language="ja")
    await pump(runtime)
    [mail] = smtp_server.sink.messages
    assert (
        mail["Subject"] == "Kind Replierさんが「Bread prices」へのあなたのコメントに返信しました。"
    )
    text = mail.get_body(("plain",))
    assert text is not None
    assert "すべてのメールの配信を停止する" in text.get_content()


async def test_unsubscribe_end_to_end_without_signing_in(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    me, _ = await replied(runtime)
    await pump(runtime)
    [mail] = smtp_server.sink.messages
    link = urlsplit(mail["List-Unsubscribe"].strip("<>"))
    path = f"{link.path}?{link.query}"
    # Months later, the link still works; opening it only asks.
    clock.advance(days=200)
    page = await client.get(path)
    assert page.status_code == 200
    assert '<form method="post"' in page.text
    assert (await saved(runtime, me)).email == "immediate"
    # The mail client's one-click POST (RFC 8058), no cookie, no token header.
    done = await client.post(
        path,
        content="List-Unsubscribe=One-Click",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200
    assert "unsubscribed" in done.text
    assert (await saved(runtime, me)).email == "off"
    # At once: the next reply is a notification in the page, and no mail.
    story = await make_story(runtime)
    mine = await make_comment(runtime, me, story, "Again")
    await make_comment(runtime, await make_reader(runtime), story, "Hi", parent_id=mine["id"])
    await pump(runtime)
    assert len(smtp_server.sink.messages) == 1
    assert len(await notification_rows(runtime, me.account_id)) == 2
    # A forged, damaged or expired token does nothing.
    forged = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await client.post(forged)).status_code == 400
    assert (await client.get(forged)).status_code == 400
    clock.advance(days=300)
    assert (await client.post(path)).status_code == 400
    assert (await client.get("/mail/unsubscribe", params={"token": "../../x"})).status_code < 500


async def test_temporary_errors_retry_with_back_off(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    smtp_server.sink.answers = ["451 4.3.0 Try again later", "451 4.3.0 Try again later"]
    await replied(runtime)
    assert await pump(runtime) == 0
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error.startswith("451")
    # Not due before the back-off has passed.
    assert await pump(runtime) == 0
    assert smtp_server.sink.attempts == 1
    clock.advance(minutes=1, seconds=1)
    assert await pump(runtime) == 0
    clock.advance(minutes=2, seconds=1)
    assert await pump(runtime) == 1
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("sent", 3)
    assert smtp_server.sink.attempts == 3
    assert len(smtp_server.sink.messages) == 1


async def test_permanent_errors_give_up_and_are_recorded(
    runtime: Runtime, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.sink.refuse = {"gone@reader.test"}
    await replied(runtime, address="gone@reader.test")
    await replied(runtime, address="a..b@docomo.ne.jp")
    smtp_server.sink.answers = []
    with caplog.at_level(logging.INFO):
        assert await pump(runtime) == 0
    refused, malformed = await mail_rows(runtime)
    assert (refused.status, malformed.status) == ("failed", "failed")
    assert refused.last_error.startswith("550")
    assert malformed.last_error == "malformed or missing address"
    # The worker goes on; no address in what it recorded or logged.
    # (The test server's own log, ``mail.log``, is not ours.)
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail."))
    assert "given up" in ours
    for text in (refused.last_error, malformed.last_error, ours):
        assert "gone@reader.test" not in text
        assert "docomo" not in text
    await replied(runtime, address="fine@reader.test")
    assert await pump(runtime) == 1


async def test_a_5xx_answer_to_data_gives_up(runtime: Runtime, smtp_server: SmtpServer) -> None:
    smtp_server.sink.answers = ["554 5.7.1 Message rejected as spam"]
    await replied(runtime)
    assert await pump(runtime) == 0
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error.startswith("554")


async def test_a_server_that_is_down_is_retried(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    await replied(runtime)
    smtp_server.stop()
    assert await pump(runtime) == 0
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error.startswith("server unavailable")
    smtp_server.restart()
    clock.advance(minutes=2)
    assert await pump(runtime) == 1


async def test_a_worker_killed_mid_send_sends_again_with_the_same_message_id(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    """At least once, and recognisably so.

    A worker commits its claim (the mail's due time moves forward by a lease) before it sends,
    and marks the mail sent only after the server accepted it. Killed in between (``kill -9``
    after the claim, or after the server's 250 but before the mark), it leaves the mail
    queued: when the lease has passed, another worker sends it again. Nothing is lost; the
    price is that a mail the server had accepted may arrive twice, always with the same
    ``Message-ID`` (made once, when the mail was queued), so receivers and their clients see
    the same message, not two. No mail is sent twice while its lease holds.
    """
    await replied(runtime)
    await consume(runtime)
    worker = notifier(runtime).worker
    # The first worker claims, hands the mail to the server, and dies before marking it.
    [claimed] = await worker.claim()
    from rejoinder.notifications import compose

    envelope = compose.Envelope(
        from_address="x@planet.test", reply_to="", message_id=claimed.message_id,
        unsubscribe_url="http://rejoinder.test/u", date=claimed.created_at,
    )  # fmt: skip
    body = compose.Body(claimed.subject, claimed.text_body, claimed.html_body)
    await worker.mailer.send(compose.message(body, claimed.email, envelope), claimed.email)
    # While the lease holds, nobody else takes it.
    assert await worker.claim() == []
    clock.advance(minutes=5, seconds=1)
    assert await pump(runtime) == 1
    first, second = smtp_server.sink.messages
    assert first["Message-ID"] == second["Message-ID"] == claimed.message_id
    [row] = await mail_rows(runtime)
    assert (row.status, row.attempts) == ("sent", 2)


async def test_an_erased_account_loses_its_notifications_and_mail(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    me, _ = await replied(runtime)
    await consume(runtime)
    assert len(await mail_rows(runtime, me.account_id)) == 1
    assert len(await notification_rows(runtime, me.account_id)) == 1
    async with runtime.db.transaction() as tx:
        await tx.conn.execute(
            deletion_requests.insert().values(
                account_id=me.account_id, requested_at=clock.now(), delete_after=clock.now()
            )
        )
    assert await purge_due_deletions(runtime) == [me.account_id]
    assert await mail_rows(runtime, me.account_id) == []
    assert await notification_rows(runtime, me.account_id) == []
    assert await pump(runtime) == 0
    assert smtp_server.sink.messages == []


async def test_the_serving_process_runs_the_worker(
    runtime: Runtime, smtp_server: SmtpServer
) -> None:
    from support.ports import eventually

    runtime.settings.mail.poll_seconds = 0.1
    runtime.settings.events.poll_seconds = 0.1
    await runtime.start()
    await replied(runtime)
    await eventually(lambda: len(smtp_server.sink.messages) == 1, what="the reply mail")

    async def marked() -> bool:
        return [row.status for row in await mail_rows(runtime)] == ["sent"]

    await eventually(marked, what="the mail marked sent")
