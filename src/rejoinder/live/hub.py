"""The fan-out: one structure per process, fed by the relay, feeding every open stream.

The relay hands every committed event to :meth:`LiveHub.handle` (in id order, in every
process; Redis carries other processes' events to ours). ``handle`` only files the event
when a stream may want it; one worker task renders each event once per story (the public
frame, and its author's own) and pushes the shared bytes to that story's streams. One
ticker task sends the heartbeat and re-checks signed-in streams' tokens. Nothing runs per
connection while it is idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from rejoinder.accounts.dependencies import lookup_viewer
from rejoinder.events.base import AccountAccess, Event, ModerationQueue, ReaderNotifications
from rejoinder.events.catalogue import CommentEvent, StoryUpdated
from rejoinder.events.relay import Relay
from rejoinder.live import frames
from rejoinder.live.render import STORY_EVENTS, Rows, render
from rejoinder.live.schemas import LiveQueueCounts, LiveQueueItem, LiveUnread
from rejoinder.live.streams import Stream
from rejoinder.moderation.access import Scope, scope_for
from rejoinder.moderation.cards import build_cards
from rejoinder.moderation.queries import counts
from rejoinder.settings import Settings

if TYPE_CHECKING:
    from rejoinder.runtime import Runtime
    from rejoinder.storage.database import Connection

# A reader's unread notifications (the notifications domain, above this one, provides it).
UnreadCounter = Callable[["Connection", int], Awaitable[int]]

log = logging.getLogger(__name__)
_HUBS: weakref.WeakKeyDictionary[Relay, LiveHub] = weakref.WeakKeyDictionary()


def hub_of(runtime: Runtime) -> LiveHub:
    """The hub ``create_runtime`` wired to this runtime's relay."""
    return _HUBS[runtime.relay]


def site_scope(site_id: str) -> Scope:
    """Counting one site's queues, whoever will receive them."""
    return Scope(account_id=0, display_name=None, is_admin=True, sites=frozenset({site_id}))


class LiveHub:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._runtime: Runtime | None = None
        self.stories: dict[int, set[Stream]] = defaultdict(set)
        self.desks: set[Stream] = set()
        self.accounts: dict[int, set[Stream]] = defaultdict(set)
        self._pending: deque[tuple[int, Event]] = deque()
        # Whether a story's section is hidden, as of the last event filed (``story.updated``
        # carries the state): an event is rendered later, when the state may have moved on.
        self.sections: dict[int, bool] = {}
        self._hidden_then: dict[int, bool] = {}  # event id → its section hidden when filed
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self.unread: UnreadCounter | None = None  # set by app.create_runtime

    def bind(self, runtime: Runtime) -> None:
        self._runtime = runtime
        _HUBS[runtime.relay] = self

    @property
    def runtime(self) -> Runtime:
        assert self._runtime is not None, "the live hub is not bound to a runtime"
        return self._runtime

    @property
    def open_streams(self) -> int:
        return sum(len(s) for s in self.stories.values()) + len(self.desks)

    # -- streams come and go ------------------------------------------------------------------

    def join(self, stream: Stream) -> None:
        """Subscribe before reading the replay, so no event falls between the two."""
        self._start()
        if self._closing:
            stream.end(frames.reset("shutdown"))
            return
        if stream.story_id is not None:
            self.stories[stream.story_id].add(stream)
        else:
            self.desks.add(stream)
        if stream.account_id is not None:
            self.accounts[stream.account_id].add(stream)
        stream.on_close = self.leave

    def leave(self, stream: Stream) -> None:
        if stream.story_id is not None:
            _discard(self.stories, stream.story_id, stream)
            if not self.stories.get(stream.story_id):
                self.sections.pop(stream.story_id, None)
        else:
            self.desks.discard(stream)
        if stream.account_id is not None:
            _discard(self.accounts, stream.account_id, stream)

    # -- the relay's consumer -----------------------------------------------------------------

    async def handle(self, event_id: int, event: Event) -> None:
        """File the event if a stream may want it; the worker does the rest, off the relay."""
        if (
            isinstance(event, StoryUpdated)
            and event.status is not None
            and self.stories.get(event.story_id)  # only stories someone is watching
        ):
            self.sections[event.story_id] = event.status == "hidden"
        if self._wanted(event):
            story_id = getattr(event, "story_id", None)
            if isinstance(story_id, int) and story_id in self.sections:
                self._hidden_then[event_id] = self.sections[story_id]
            self._pending.append((event_id, event))
            self._wake.set()

    def _wanted(self, event: Event) -> bool:
        if isinstance(event, STORY_EVENTS) and self.stories.get(getattr(event, "story_id", -1)):
            return True
        for effect in event.affects():
            if isinstance(effect, ModerationQueue) and self.desks:
                return True
            if isinstance(effect, AccountAccess | ReaderNotifications) and self.accounts.get(
                effect.account_id
            ):
                return True
        return False

    # -- background work ------------------------------------------------------------------------

    def _start(self) -> None:
        if not self._tasks and not self._closing:
            self._tasks = [
                asyncio.create_task(self._work(), name="rejoinder-live-worker"),
                asyncio.create_task(self._tick(), name="rejoinder-live-ticker"),
            ]

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch = list(self._pending)
            self._pending.clear()
            try:
                await self._process(batch)
            except Exception:
                # The database is away: end the streams these events were for, without a
                # word, so their clients reconnect with their last id and get them replayed.
                log.exception("live: rendering events failed; their streams will resume")
                for event_id, _ in batch:
                    self._hidden_then.pop(event_id, None)
                self._end_streams_of(batch)

    def _end_streams_of(self, batch: list[tuple[int, Event]]) -> None:
        for story_id in {getattr(event, "story_id", None) for _, event in batch}:
            if isinstance(story_id, int):
                for stream in list(self.stories.get(story_id, ())):
                    stream.end()

    async def _process(self, batch: list[tuple[int, Event]]) -> None:
        runtime = self.runtime
        accounts = {
            effect.account_id
            for _, event in batch
            for effect in event.affects()
            if isinstance(effect, AccountAccess)
        }
        for account_id in accounts:
            for stream in list(self.accounts.get(account_id, ())):
                await self.recheck(stream)
        story = [
            (i, e) for i, e in batch if isinstance(e, STORY_EVENTS) and self.stories.get(e.story_id)
        ]
        desk = [
            (i, e)
            for i, e in batch
            if isinstance(e, CommentEvent)
            and any(isinstance(x, ModerationQueue) for x in e.affects())
        ]
        if story:
            now = runtime.clock.now()
            async with runtime.db.read() as conn:
                rows = Rows(conn)
                for event_id, event in story:
                    hidden = self._hidden_then.pop(event_id, None)
                    rendered = await render(rows, event_id, event, self.settings, now, hidden)
                    for stream in list(self.stories.get(event.story_id, ())):
                        data = rendered.for_reader(stream.account_id)
                        if data is not None:
                            stream.push(data, event_id)
        if desk and self.desks:
            await self._desk(desk)
        notified = (
            set()
            if self.unread is None
            else {
                effect.account_id
                for _, event in batch
                for effect in event.affects()
                if isinstance(effect, ReaderNotifications) and self.accounts.get(effect.account_id)
            }
        )
        if notified:
            await self._unread(notified)

    async def _unread(self, account_ids: set[int]) -> None:
        assert self.unread is not None
        """A reader's unread count, to their open widgets (one count per reader and batch).

        The frame has no ``id:``: it is not part of any story's log, and a reconnecting widget
        reads the count again."""
        async with self.runtime.db.read() as conn:
            for account_id in account_ids:
                streams = [s for s in self.accounts.get(account_id, ()) if s.story_id is not None]
                if streams:
                    found = await self.unread(conn, account_id)
                    data = frames.frame("notifications.unread", LiveUnread(unread=found))
                    for stream in streams:
                        stream.push(data, None)

    async def _desk(self, batch: list[tuple[int, CommentEvent]]) -> None:
        last: dict[str, int] = {}
        changed: dict[int, int] = {}
        for event_id, event in batch:
            last[event.site_id] = event_id
            changed[event.comment_id] = event_id
        desks = list(self.desks)
        async with self.runtime.db.read() as conn:
            for site_id, event_id in last.items():
                readers = [d for d in desks if d.scope is not None and d.scope.allows(site_id)]
                if not readers:
                    continue
                found = await counts(conn, site_scope(site_id), self.settings, site_id)
                data = frames.frame(
                    "queue.counts", LiveQueueCounts(site_id=site_id, counts=found), event_id
                )
                for stream in readers:
                    stream.push(data, None)
            groups: dict[frozenset[str] | None, list[Stream]] = defaultdict(list)
            for stream in desks:
                if stream.scope is not None:
                    groups[stream.scope.sites_or_all].append(stream)
            for sites, streams in groups.items():
                for card in await build_cards(conn, self.settings, list(changed), sites):
                    data = frames.frame("queue.item", LiveQueueItem(card=card), changed[card.id])
                    for stream in streams:
                        if stream.scope is not None and stream.scope.allows(card.site_id):
                            stream.push(data, None)

    async def _tick(self) -> None:
        live = self.settings.live
        while True:
            await asyncio.sleep(live.heartbeat_seconds)
            moment = self.runtime.clock.timestamp()
            streams = [s for group in self.stories.values() for s in group]
            for stream in (*streams, *self.desks):
                stream.heartbeat()
            for stream in streams + list(self.desks):
                if stream.token is not None and moment - stream.checked_at >= (
                    live.viewer_recheck_seconds
                ):
                    with contextlib.suppress(Exception):  # try again next tick
                        await self.recheck(stream)

    async def recheck(self, stream: Stream) -> None:
        """Read the stream's viewer again: a revoked or expired token ends what it allowed
        (the stream closes with ``reset``, and a reconnect with that token gets 401)."""
        if stream.token is None or stream.closed:
            return
        runtime = self.runtime
        stream.checked_at = runtime.clock.timestamp()
        viewer = await lookup_viewer(runtime, stream.token, fresh=True)
        if viewer is None:
            stream.end(frames.reset("signed_out"))
            return
        stream.viewer = viewer
        if stream.story_id is None:
            if not viewer.is_moderator:
                stream.end(frames.reset("access_changed"))
                return
            async with runtime.db.read() as conn:
                stream.scope = await scope_for(conn, viewer)

    def end_streams(self) -> None:
        """Server shutdown: every stream gets ``reset`` and closes, so clients reconnect
        (elsewhere, or here after the restart) and resume by id."""
        self._closing = True
        for stream in [s for group in self.stories.values() for s in group] + list(self.desks):
            stream.end(frames.reset("shutdown"))

    async def close(self) -> None:
        self.end_streams()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _discard(index: dict[int, set[Stream]], key: int, stream: Stream) -> None:
    group = index.get(key)
    if group is not None:
        group.discard(stream)
        if not group:
            del index[key]
