"""Opening a stream: who reads, where it resumes, what it replays.

Order matters: the stream joins the hub's fan-out first, then the log is read, so an event
committed in between is both replayed and pushed live, and the stream drops the second copy
by id. An id the log cannot resume from (garbage, in the future, older than what the log
keeps, or more missed events than ``live.replay_limit``) starts the stream with ``reset``.
"""

from __future__ import annotations

import logging
from typing import NamedTuple

from rejoinder.accounts.viewer import Viewer
from rejoinder.events.catalogue import decode
from rejoinder.kernel.errors import NotFound
from rejoinder.live import frames, queries
from rejoinder.live.hub import hub_of, site_scope
from rejoinder.live.render import Rows, render
from rejoinder.live.schemas import LiveQueueCounts, ResetReason
from rejoinder.live.streams import Stream
from rejoinder.moderation.access import scope_for
from rejoinder.moderation.queries import counts
from rejoinder.runtime import Runtime
from rejoinder.storage.database import Connection
from rejoinder.stories.queries import find_story, require_site

log = logging.getLogger(__name__)
MAX_EVENT_ID = 2**62


class Opened(NamedTuple):
    stream: Stream
    continues_from: int


def parse_event_id(header: str | None, query: str | None) -> int | None:
    """The header wins over the query; ``None`` when absent, ``-1`` when not an event id."""
    raw = header if header is not None else query
    if raw is None or raw.strip() == "":
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19) or int(raw) > MAX_EVENT_ID:
        return -1
    return int(raw)


async def open_story_stream(
    runtime: Runtime,
    site_id: str,
    story_key: str,
    *,
    viewer: Viewer | None,
    token: str | None,
    last_event_id: int | None,
) -> Opened:
    settings = runtime.settings
    require_site(settings, site_id)
    story = await runtime.db.run_read(find_story, site_id, story_key)
    if story is None:
        raise NotFound("There is no such story.", code="story_not_found")
    live = settings.live
    stream = Stream(
        limit=live.queue_size,
        story_id=story.id,
        viewer=viewer if token is not None else None,
        token=token if viewer is not None else None,
        checked_at=runtime.clock.timestamp(),
    )
    hub = hub_of(runtime)
    hub.join(stream)  # before reading the log: see the module's docstring
    try:
        async with runtime.db.read() as conn:
            opened = await _resume(runtime, conn, stream, last_event_id)
    except BaseException:
        hub.leave(stream)
        raise
    return opened


async def _resume(runtime: Runtime, conn: Connection, stream: Stream, after: int | None) -> Opened:
    live = runtime.settings.live
    first = [frames.retry(live.retry_ms)]
    window = await queries.window(conn)
    head = window.head
    if after is None:
        stream.begin(first, floor=head, replayed=None)
        return Opened(stream, head)
    reason: ResetReason | None = _unresumable(after, window)
    logged: list[queries.Logged] = []
    if reason is None:
        assert stream.story_id is not None
        logged = await queries.story_events_after(
            conn, stream.story_id, after, live.replay_limit + 1
        )
        if len(logged) > live.replay_limit:
            reason = "too_old"
    if reason is not None:
        stream.begin([*first, frames.reset(reason, head)], floor=head, replayed=None)
        return Opened(stream, head)
    rows, now = Rows(conn), runtime.clock.now()
    replayed: set[int] = set()
    for entry in logged:
        replayed.add(entry.id)
        try:
            event = decode(entry.payload)
        except Exception:  # noqa: BLE001 - an event from a newer release: the relay skips it too
            log.warning("live: cannot decode event %d; not replayed", entry.id)
            continue
        data = (await render(rows, entry.id, event, runtime.settings, now)).for_reader(
            stream.account_id
        )
        if data is not None:
            first.append(data)
    floor = max(replayed, default=after)
    stream.begin(first, floor=max(floor, after), replayed=replayed)
    return Opened(stream, after)


def _unresumable(after: int, window: queries.Window) -> ResetReason | None:
    if after < 0 or after > window.head:
        return "invalid"
    if window.oldest is not None and after < window.oldest - 1:
        return "too_old"  # events after it were pruned from the log
    return None


async def open_desk_stream(runtime: Runtime, viewer: Viewer, token: str | None) -> Opened:
    """The moderators' stream: every site's counts now, then counts and changed items as
    they move, for the moderator's sites only. It does not replay: a reconnecting desk gets
    the counts again and re-reads the queue it shows."""
    settings = runtime.settings
    async with runtime.db.read() as conn:
        scope = await scope_for(conn, viewer)
        stream = Stream(
            limit=settings.live.queue_size,
            viewer=viewer,
            token=token,
            scope=scope,
            checked_at=runtime.clock.timestamp(),
        )
        hub = hub_of(runtime)
        hub.join(stream)
        try:
            first = [frames.retry(settings.live.retry_ms)]
            for site_id in scope.visible_sites(s.id for s in settings.sites):
                found = await counts(conn, site_scope(site_id), settings, site_id)
                first.append(
                    frames.frame("queue.counts", LiveQueueCounts(site_id=site_id, counts=found))
                )
            head = (await queries.window(conn)).head
        except BaseException:
            hub.leave(stream)
            raise
    stream.begin(first, floor=head, replayed=None)
    return Opened(stream, head)
