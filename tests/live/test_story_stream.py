"""A story's live stream over real HTTP (uvicorn on a free port): every kind of change
arrives, resumes replay exactly what was missed, held comments stay with their author,
bad ids reset, slow clients are cut alone, revoked tokens end what they allowed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import delete

from conftest import RsaPair, make_settings
from factories import make_comment, make_reader, make_story, moderate
from live.sse import Events, served, stream
from rejoinder.app import create_runtime
from rejoinder.events.models import events
from rejoinder.kernel.clock import FrozenClock
from rejoinder.live import service
from rejoinder.live.hub import hub_of
from rejoinder.runtime import Runtime
from rejoinder.settings import LiveSettings, Settings
from support.ports import eventually

Client = httpx.AsyncClient


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    return make_settings(
        database_url,
        rsa_key,
        live=LiveSettings(heartbeat_seconds=0.2, queue_size=8, replay_limit=50),
    )


@pytest.fixture(params=["handed-over", "asgi"])
async def http(
    settings: Settings, runtime: Runtime, request: pytest.FixtureRequest
) -> AsyncIterator[Client]:
    """Every test twice: the connection taken over from uvicorn, and the ASGI response any
    other server gets (``live/wire.py``)."""
    async with served(settings, runtime, asgi_only=request.param == "asgi") as client:
        yield client


def live_url(story: str, site: str = "news") -> str:
    return f"/api/v1/sites/{site}/stories/{story}/live"


def comments_url(story: str) -> str:
    return f"/api/v1/sites/news/stories/{story}/comments"


async def page_view(http: Client, story: str, comment_id: int) -> dict[str, Any]:
    page = (await http.get(comments_url(story))).json()
    found = [c for c in page["comments"] if c["id"] == comment_id]
    assert found, page
    view: dict[str, Any] = found[0]
    return view


async def test_headers_heartbeat_and_every_change_arrive(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    fan = await make_reader(runtime)
    async with stream(http, live_url(story)) as live:
        response = live.response
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-accel-buffering"] == "no"
        assert int(response.headers["last-event-id"]) >= 0

        posted = await http.post(
            comments_url(story), json={"body": "Hello"}, headers=author.headers
        )
        assert posted.status_code == 201, posted.text
        comment_id = posted.json()["comment"]["id"]
        created = await live.until("comment.created")
        assert created.retry == 3000
        assert created.json()["comment"] == await page_view(http, story, comment_id)
        assert int(created.id or 0) > int(response.headers["last-event-id"])

        edit = await http.patch(
            f"/api/v1/comments/{comment_id}", json={"body": "Hello, edited"}, headers=author.headers
        )
        assert edit.status_code == 200, edit.text
        edited = await live.until("comment.edited")
        assert edited.json()["comment"]["body_html"] == "<p>Hello, edited</p>"
        assert edited.json()["comment"] == await page_view(http, story, comment_id)

        liked = await http.put(f"/api/v1/comments/{comment_id}/reactions/like", headers=fan.headers)
        assert liked.status_code == 200, liked.text
        reactions = await live.until("comment.reactions")
        assert reactions.json() == {"id": comment_id, "reactions": {"like": 1}}

        await moderate(runtime, comment_id, "reject")
        removed = await live.until("comment.removed")
        assert removed.json()["id"] == comment_id
        assert removed.json()["status"] == "rejected"
        assert removed.json()["moderation_reason"] is None  # the reason is the author's

        second = await make_comment(runtime, author, story, "Soon gone")
        assert (await live.until("comment.created")).json()["comment"]["id"] == second["id"]
        gone = await http.delete(f"/api/v1/comments/{second['id']}", headers=author.headers)
        assert gone.status_code == 204, gone.text
        deleted = await live.until("comment.deleted")
        assert deleted.json() == {
            "id": second["id"],
            "parent_id": None,
            "tombstone": False,
            "comment": None,
        }


async def test_a_heartbeat_keeps_an_idle_stream_talking(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    async with http.stream("GET", live_url(story)) as response:
        lines = response.aiter_lines()
        seen: list[str] = []
        async for line in lines:
            seen.append(line)
            if line == ": heartbeat":
                break
        assert "retry: 3000" in seen


async def collect(live: Events, count: int) -> list[Any]:
    out = []
    while len(out) < count:
        message = await live.next()
        assert message is not None
        out.append(message)
    return out


async def test_resume_replays_exactly_the_missed_events(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    async with stream(http, live_url(story)) as live:
        first = await make_comment(runtime, reader, story, "one")
        seen = await live.until("comment.created")
        assert seen.json()["comment"]["id"] == first["id"]
    last_id = seen.id
    assert last_id is not None
    missed = [(await make_comment(runtime, reader, story, f"missed {n}"))["id"] for n in range(3)]
    other = await make_story(runtime)
    await make_comment(runtime, reader, other, "another story: not replayed")
    # The header wins over the query parameter (which would replay from the start).
    headers = {"Last-Event-ID": last_id}
    async with stream(http, live_url(story) + "?lastEventID=0", headers) as live:
        assert live.response.headers["last-event-id"] == last_id
        replayed = await collect(live, 3)
        assert [m.event for m in replayed] == ["comment.created"] * 3
        assert [m.json()["comment"]["id"] for m in replayed] == missed
        ids = [int(m.id) for m in replayed]
        assert ids == sorted(ids)
        assert ids[0] > int(last_id)
        after = await make_comment(runtime, reader, story, "live again")
        nxt = await live.next()
        assert nxt is not None
        assert nxt.json()["comment"]["id"] == after["id"]  # no duplicate, no gap
    async with stream(http, live_url(story) + f"?lastEventID={last_id}") as live:
        replayed = await collect(live, 4)
        assert [m.json()["comment"]["id"] for m in replayed] == [*missed, after["id"]]


async def test_held_comments_stay_with_their_author(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime, premoderated=True)
    author = await make_reader(runtime)
    async with (
        stream(http, live_url(story)) as public,
        stream(http, live_url(story), author.headers) as own,
    ):
        posted = await http.post(comments_url(story), json={"body": "Held"}, headers=author.headers)
        assert posted.json()["moderation"]["status"] == "pending"
        comment_id = posted.json()["comment"]["id"]
        mine = await own.until("comment.created")
        assert mine.json()["comment"]["id"] == comment_id
        assert mine.json()["comment"]["status"] == "pending"
        await moderate(runtime, comment_id, "approve")
        approved = await own.until("comment.approved")
        assert approved.json()["comment"]["status"] == "published"
        # The public's first sight of it is its publication.
        first = await public.next()
        assert first is not None
        assert first.event == "comment.created"
        assert first.json()["comment"]["id"] == comment_id
        assert first.json()["comment"]["status"] == "published"

        held = await make_comment(runtime, author, story, "Held, then rejected")
        assert (await own.until("comment.created")).json()["comment"]["id"] == held["id"]
        await moderate(runtime, held["id"], "reject")
        rejected = await own.until("comment.removed")
        assert rejected.json()["id"] == held["id"]
        assert rejected.json()["moderation_reason"]
        marker = await make_comment(runtime, author, story, "marker")
        await moderate(runtime, marker["id"], "approve")
        nxt = await public.next()
        assert nxt is not None
        assert nxt.json()["comment"]["id"] == marker["id"]  # nothing of the rejected one
    # On replay too: the public gets the published ones only, never the held one as new.
    async with stream(http, live_url(story) + "?lastEventID=0") as public:
        replayed = await collect(public, 2)
        assert [m.json()["comment"]["id"] for m in replayed] == [comment_id, marker["id"]]


@pytest.mark.parametrize("bad", ["abc", "-5", "99999999999", "9" * 40, "1e3"])
async def test_a_bad_last_event_id_resets(http: Client, runtime: Runtime, bad: str) -> None:
    story = await make_story(runtime)
    async with stream(http, live_url(story), {"Last-Event-ID": bad}) as live:
        assert live.response.status_code == 200
        reset = await live.next()
        assert reset is not None
        assert reset.event == "reset"
        assert reset.json() == {"reason": "invalid"}
        assert reset.id == live.response.headers["last-event-id"]


async def test_an_id_older_than_the_log_resets(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    made = [await make_comment(runtime, reader, story, f"c{n}") for n in range(3)]
    assert made
    async with runtime.db.transaction() as tx:  # the log was pruned up to here
        head = await hub_of(runtime).runtime.relay.head()
        await tx.conn.execute(delete(events).where(events.c.id < head))
    async with stream(http, live_url(story), {"Last-Event-ID": "1"}) as live:
        reset = await live.next()
        assert reset is not None
        assert reset.event == "reset"
        assert reset.json() == {"reason": "too_old"}


async def test_more_missed_than_the_replay_limit_resets(
    database_url: str, rsa_key: RsaPair, clock: FrozenClock
) -> None:
    settings = make_settings(database_url, rsa_key, live=LiveSettings(replay_limit=2))
    runtime = create_runtime(settings, clock=clock)
    try:
        story = await make_story(runtime)
        reader = await make_reader(runtime)
        start = await runtime.relay.head()
        for n in range(3):
            await make_comment(runtime, reader, story, f"c{n}")
        async with (
            served(settings, runtime) as http,
            stream(http, live_url(story), {"Last-Event-ID": str(start)}) as live,
        ):
            reset = await live.next()
            assert reset is not None
            assert reset.json() == {"reason": "too_old"}
    finally:
        await runtime.close()


async def test_unknown_story_and_site_are_404_problems(http: Client, runtime: Runtime) -> None:
    missing = await http.get(live_url("no-such-story"))
    assert missing.status_code == 404
    assert missing.json()["code"] == "story_not_found"
    site = await http.get(live_url("x", site="nowhere"))
    assert site.status_code == 404
    assert site.json()["code"] == "site_not_found"
    query = await http.get(live_url("x") + "?lastEventID=" + "9" * 2000)
    assert query.status_code == 422
    assert query.headers["content-type"].startswith("application/problem+json")


async def test_a_slow_client_is_reset_and_closed_alone(runtime: Runtime) -> None:
    """Nobody reads the first stream: its queue overflows; the second keeps everything."""
    story = await make_story(runtime)
    readers = [await make_reader(runtime) for _ in range(3)]
    slow = await service.open_story_stream(
        runtime, "news", story, viewer=None, token=None, last_event_id=None
    )
    fast = await service.open_story_stream(
        runtime, "news", story, viewer=None, token=None, last_event_id=None
    )
    received: list[bytes] = []
    chunks = fast.stream.chunks()
    limit = runtime.settings.live.queue_size
    for n in range(limit + 3):
        await make_comment(runtime, readers[n % 3], story, f"c{n}")
        while b"c%d</p>" % n not in b"".join(received):
            received.append(await anext(chunks))
    body = b"".join([chunk async for chunk in slow.stream.chunks()])
    assert body.count(b"event: comment.created") < limit
    assert body.rstrip().endswith(b'event: reset\ndata: {"reason":"overflow"}')
    assert b"".join(received).count(b"event: comment.created") == limit + 3
    assert slow.stream.closed
    assert not fast.stream.closed
    await hub_of(runtime).close()


async def test_a_revoked_token_ends_the_stream(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    async with stream(http, live_url(story), reader.headers) as live:
        out = await http.post("/api/v1/auth/logout", headers=reader.headers)
        assert out.status_code == 204
        reset = await live.until("reset")
        assert reset.json() == {"reason": "signed_out"}
        assert await live.next() is None  # closed
    again = await http.get(live_url(story), headers=reader.headers)
    assert again.status_code == 401


async def test_shutdown_closes_streams_cleanly(http: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    async with stream(http, live_url(story)) as live:
        await hub_of(runtime).close()
        reset = await live.until("reset")
        assert reset.json() == {"reason": "shutdown"}
        assert await live.next() is None


async def test_a_comment_through_another_process_arrives(
    settings: Settings, runtime: Runtime, clock: FrozenClock
) -> None:
    """Two runtimes on one database stand for two processes: B's relay reads A's commit from
    the log (its poll, or a Redis wake-up in production) and B's streams get it."""
    other = create_runtime(settings, clock=clock)
    try:
        story = await make_story(runtime)
        reader = await make_reader(runtime)
        await other.relay.catch_up()  # B starts at the head of the log
        async with served(settings, other) as http, stream(http, live_url(story)) as live:
            made = await make_comment(runtime, reader, story, "through A")  # A's process
            await other.relay.catch_up()
            created = await live.until("comment.created")
            assert created.json()["comment"]["id"] == made["id"]
    finally:
        await other.close()


async def test_an_expired_token_ends_the_stream_at_its_next_check(
    http: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    async with stream(http, live_url(story), reader.headers) as live:
        clock.advance(days=400)  # past any token's life, and past the re-check interval
        reset = await live.until("reset")
        assert reset.json() == {"reason": "signed_out"}
        assert await live.next() is None


async def test_a_stream_nobody_reads_is_cut_after_a_few_heartbeats(runtime: Runtime) -> None:
    story = await make_story(runtime)
    hub = hub_of(runtime)
    opened = await service.open_story_stream(
        runtime, "news", story, viewer=None, token=None, last_event_id=None
    )
    await eventually(lambda: opened.stream.closed, within=10, what="the stalled stream closed")
    assert hub.open_streams == 0
    body = b"".join([chunk async for chunk in opened.stream.chunks()])
    assert body.endswith(b'event: reset\ndata: {"reason":"stalled"}\n\n')
    await hub.close()


async def test_a_failed_render_ends_the_stream_and_the_resume_replays_it(
    http: Client, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injected where the database would fail: the stream ends without a word; its
    client reconnects with its last id and gets the event from the log."""
    import rejoinder.live.hub as hub_module

    story = await make_story(runtime)
    reader = await make_reader(runtime)
    real_render = hub_module.render

    async def failing(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("the database went away")

    async with stream(http, live_url(story)) as live:
        start = live.response.headers["last-event-id"]
        monkeypatch.setattr(hub_module, "render", failing)
        made = await make_comment(runtime, reader, story, "lost in flight")
        assert await live.next() is None  # ended
    monkeypatch.setattr(hub_module, "render", real_render)
    async with stream(http, live_url(story), {"Last-Event-ID": start}) as live:
        replayed = await live.until("comment.created")
        assert replayed.json()["comment"]["id"] == made["id"]
