"""Digests on the controllable clock: a day boundary in two time zones, one mail per
period, items read in-page left out, weekly digests."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from factories import Reader, make_comment, make_reader, make_story, viewer
from rejoinder.kernel.clock import FrozenClock
from rejoinder.notifications.schemas import NotificationSettingsUpdate
from rejoinder.notifications.service import save_settings
from rejoinder.runtime import Runtime
from support.notifying import consume, mail_rows, notification_rows, pump, set_email
from support.smtp import SmtpServer

Client = httpx.AsyncClient
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday: 18:00 in Tokyo, 04:00 in New York


async def digest_reader(runtime: Runtime, address: str, **change: str) -> Reader:
    reader = await make_reader(runtime)
    await set_email(runtime, reader, address)
    await save_settings(
        runtime,
        await viewer(runtime, reader.account_id),
        NotificationSettingsUpdate(**change),  # type: ignore[arg-type]
    )
    return reader


async def reply_to(runtime: Runtime, reader: Reader, story: str, site: str = "news") -> int:
    mine = await make_comment(runtime, reader, story, "Mine", site=site)
    other = await make_reader(runtime)
    reply = await make_comment(runtime, other, story, "Re", site=site, parent_id=mine["id"])
    return int(reply["id"])


def to(smtp_server: SmtpServer, address: str) -> list[str]:
    return [str(m["Subject"]) for rcpt, m in smtp_server.sink.received if rcpt == [address]]


async def test_daily_digests_across_a_day_boundary_in_two_time_zones(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    clock.set(START)
    runtime.settings.comments.rate_limit_count = 100
    tokyo_story = await make_story(runtime, site="jp", title="Sakura forecast")
    news_story = await make_story(runtime, title="Harbour bridge")
    # No zone chosen, on the Japanese site: Japan Standard Time, in Japanese.
    tokyo = await digest_reader(runtime, "tokyo@reader.test", email="daily")
    york = await digest_reader(
        runtime, "york@reader.test", email="daily", time_zone="America/New_York"
    )
    await reply_to(runtime, tokyo, tokyo_story, "jp")
    read_one = await reply_to(runtime, york, news_story)
    await reply_to(runtime, york, news_story)
    await consume(runtime)
    # york reads one of theirs in the page: the digest leaves it out.
    [item] = [
        i["id"]
        for i in (await client.get("/api/v1/me/notifications", headers=york.headers)).json()[
            "items"
        ]
        if i["comment_id"] == read_one
    ]
    await client.post("/api/v1/me/notifications/read", json={"ids": [item]}, headers=york.headers)

    assert await pump(runtime) == 0  # nobody's day has ended
    clock.set(datetime(2026, 1, 5, 15, 30, tzinfo=UTC))  # 00:30 in Tokyo, 10:30 in New York
    assert await pump(runtime) == 1
    assert to(smtp_server, "tokyo@reader.test") == ["本日のお知らせ（1件）"]
    assert to(smtp_server, "york@reader.test") == []
    [tokyo_mail] = smtp_server.sink.messages
    text = tokyo_mail.get_body(("plain",))
    assert text is not None
    assert "「Sakura forecast」へのあなたのコメントに返信しました" in text.get_content()
    assert tokyo_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # A reply just after Tokyo's midnight waits for the next day: one mail per period.
    clock.set(datetime(2026, 1, 5, 15, 40, tzinfo=UTC))
    await reply_to(runtime, tokyo, tokyo_story, "jp")
    assert await pump(runtime) == 0
    clock.set(datetime(2026, 1, 5, 23, 0, tzinfo=UTC))
    assert await pump(runtime) == 0

    clock.set(datetime(2026, 1, 6, 5, 30, tzinfo=UTC))  # 00:30 in New York
    assert await pump(runtime) == 1
    [york_subject] = to(smtp_server, "york@reader.test")
    assert york_subject == "Your daily summary: 1 new notifications"
    york_mail = smtp_server.sink.messages[-1]
    york_text = york_mail.get_body(("plain",))
    assert york_text is not None
    assert f"#comment-{read_one}" not in york_text.get_content()
    assert york_text.get_content().count("replied to your comment") == 1

    clock.set(datetime(2026, 1, 6, 15, 1, tzinfo=UTC))  # Tokyo's next midnight
    assert await pump(runtime) == 1
    assert len(to(smtp_server, "tokyo@reader.test")) == 2
    # Everything was taken: no item waits, no second mail.
    assert not [n for n in await notification_rows(runtime) if n.digest_pending]
    assert await pump(runtime) == 0


async def test_nothing_unread_means_no_digest(
    client: Client, runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    clock.set(START)
    story = await make_story(runtime)
    me = await digest_reader(runtime, "me@reader.test", email="daily")
    await reply_to(runtime, me, story)
    await consume(runtime)
    await client.post("/api/v1/me/notifications/read", json={"all": True}, headers=me.headers)
    clock.set(datetime(2026, 1, 6, 0, 1, tzinfo=UTC))
    assert await pump(runtime) == 0
    assert smtp_server.sink.messages == []
    assert not [n for n in await notification_rows(runtime) if n.digest_pending]


async def test_weekly_digest_goes_once_the_week_is_over(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    clock.set(START)
    story = await make_story(runtime)
    me = await digest_reader(runtime, "week@reader.test", email="weekly")
    await reply_to(runtime, me, story)
    await reply_to(runtime, me, story)
    clock.set(datetime(2026, 1, 11, 23, 59, tzinfo=UTC))  # Sunday night
    assert await pump(runtime) == 0
    clock.set(datetime(2026, 1, 12, 0, 1, tzinfo=UTC))
    assert await pump(runtime) == 1
    assert to(smtp_server, "week@reader.test") == ["Your weekly summary: 2 new notifications"]
    [row] = await mail_rows(runtime, me.account_id)
    assert (row.kind, row.status) == ("digest", "sent")


async def test_switching_to_immediate_clears_what_waited(
    runtime: Runtime, smtp_server: SmtpServer, clock: FrozenClock
) -> None:
    clock.set(START)
    story = await make_story(runtime)
    me = await digest_reader(runtime, "me@reader.test", email="daily")
    await reply_to(runtime, me, story)
    await consume(runtime)
    await save_settings(
        runtime, await viewer(runtime, me.account_id), NotificationSettingsUpdate(email="off")
    )
    clock.set(datetime(2026, 1, 6, 0, 1, tzinfo=UTC))
    assert await pump(runtime) == 0
    assert smtp_server.sink.messages == []
