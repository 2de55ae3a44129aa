"""The hot-page cache: a story's first page for anonymous readers, kept as prepared bytes.

Pages are tagged with their story and with every account shown on them, and dropped when an
event affects one of those (``PageCacheConsumer``, fed by the relay: every process sees every
event, so each process's cache stays honest). A reader that started before an invalidation
must not store what it read: it takes an ``epoch`` before querying and ``put`` refuses pages
older than the last invalidation of any of their tags. That is what makes "an edited, deleted
or rejected comment, or an erased reader, never comes back from the cache" hold under
concurrency too.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, Protocol, cast

import brotli
import msgspec

from rejoinder.events.base import AccountPages, Event, StoryPages

Head = tuple[tuple[bytes, bytes], ...]  # a response's headers


class CachedPage(msgspec.Struct):
    """Shared by every hit while cached; only ``packed`` changes, filled on first use."""

    body: bytes
    expires_at: float  # seconds since the epoch (runtime clock)
    parts: Any = None  # the page in pieces, for readers' overlays (``comments.reading.Parts``)
    packed: bytes | None = None  # ``body`` in brotli, made by the first hit that accepts it
    heads: list[Head | None] | None = None  # the headers of ``body`` and ``packed``, made once

    def head(self, *, encoded: bool) -> Head:
        """The headers every reader gets with this page, plain or in brotli (the fast path
        adds the request's own: its id, a CORS origin)."""
        heads = self.heads
        if heads is None:
            made: Head = (
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(self.body)),
                (b"cache-control", b"no-cache"),
                # The same URL answers brotli or plain bytes, by the request's Accept-Encoding.
                (b"vary", b"Origin, Authorization, Accept-Encoding"),
            )
            heads = self.heads = [made, None]
        plain = cast("Head", heads[0])
        if not encoded:
            return plain
        packed = heads[1]
        if packed is None:
            packed = heads[1] = (
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(self.brotli())),
                (b"cache-control", b"no-cache"),
                plain[3],
                (b"content-encoding", b"br"),
            )
        return packed

    def brotli(self) -> bytes:
        """``body`` compressed once, on the first hit that accepts brotli, not when the page
        is stored (an uncached read must not pay for it): quality 5, under a millisecond
        once; the bench page of 10,771 bytes becomes 1,609 on every hit."""
        if self.packed is None:
            self.packed = brotli.compress(self.body, quality=5)
        return self.packed


class PageCache(Protocol):
    """Async so that a shared (Redis) implementation can take its place."""

    async def epoch(self) -> int:
        """A token to take before reading what will be ``put``."""
        ...

    async def get(self, key: str, now: float) -> CachedPage | None:
        """The page under ``key`` unless it expired."""
        ...

    def peek(self, key: str, now: float) -> CachedPage | None:
        """``get`` without waiting: what this process holds (the fast path's lookup; a
        shared cache would answer from its local copy, or ``None``)."""
        ...

    async def put(self, key: str, tags: tuple[str, ...], epoch: int, page: CachedPage) -> None:
        """Store unless one of ``tags`` was invalidated after ``epoch`` was taken."""
        ...

    async def invalidate(self, tag: str) -> None:
        """Drop every page tagged ``tag`` (a story, an account)."""
        ...

    async def clear(self) -> None:
        """Drop every page."""
        ...


def story_tag(site_id: str, story_key: str) -> str:
    return f"s\x00{site_id}\x00{story_key}"


def account_tag(account_id: int) -> str:
    return f"a\x00{account_id}"


class MemoryPageCache:
    """The embedded default: per process, least recently used pages go first."""

    def __init__(self, max_entries: int = 10_000, max_tags: int = 100_000) -> None:
        self._pages: OrderedDict[str, tuple[tuple[str, ...], CachedPage]] = OrderedDict()
        self._keys_by_tag: dict[str, set[str]] = {}
        self._invalidated: OrderedDict[str, int] = OrderedDict()
        self._epoch = 0
        self._floor = 0  # reads that started before this never store (records were evicted)
        self._max_entries = max_entries
        self._max_tags = max_tags

    async def epoch(self) -> int:
        return self._epoch

    async def get(self, key: str, now: float) -> CachedPage | None:
        return self.peek(key, now)

    def peek(self, key: str, now: float) -> CachedPage | None:
        item = self._pages.get(key)
        if item is None:
            return None
        page = item[1]
        if page.expires_at <= now:
            self._drop(key)
            return None
        return page

    async def put(self, key: str, tags: tuple[str, ...], epoch: int, page: CachedPage) -> None:
        if epoch < self._floor:
            return
        invalidated = self._invalidated
        if any(invalidated.get(tag, -1) > epoch for tag in tags):
            return
        self._drop(key)
        self._pages[key] = (tags, page)
        for tag in tags:
            self._keys_by_tag.setdefault(tag, set()).add(key)
        while len(self._pages) > self._max_entries:
            self._drop(next(iter(self._pages)))

    async def invalidate(self, tag: str) -> None:
        self._epoch += 1
        self._invalidated[tag] = self._epoch
        self._invalidated.move_to_end(tag)
        while len(self._invalidated) > self._max_tags:
            _, old = self._invalidated.popitem(last=False)
            self._floor = max(self._floor, old)
        for key in list(self._keys_by_tag.pop(tag, ())):
            self._drop(key)

    async def clear(self) -> None:
        self._epoch += 1
        self._floor = self._epoch
        self._pages.clear()
        self._keys_by_tag.clear()
        self._invalidated.clear()

    def _drop(self, key: str) -> None:
        item = self._pages.pop(key, None)
        if item is not None:
            for tag in item[0]:
                keys = self._keys_by_tag.get(tag)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del self._keys_by_tag[tag]


class NullPageCache:
    """Caching off (``comments.cache_enabled = false``): every read goes to the database."""

    # The arguments are the Protocol's; a cache that keeps nothing has no use for them.

    async def epoch(self) -> int:
        return 0

    async def get(self, key: str, now: float) -> CachedPage | None:  # noqa: ARG002
        return None

    def peek(self, key: str, now: float) -> CachedPage | None:  # noqa: ARG002
        return None

    async def put(self, key: str, tags: tuple[str, ...], epoch: int, page: CachedPage) -> None:  # noqa: ARG002
        return None

    async def invalidate(self, tag: str) -> None:  # noqa: ARG002
        return None

    async def clear(self) -> None:
        return None


class PageCacheConsumer:
    """The relay's consumer that keeps ``cache`` honest: drops what each event affects."""

    def __init__(self, cache: PageCache) -> None:
        self._cache = cache

    async def handle(self, event_id: int, event: Event) -> None:  # noqa: ARG002 - idempotent
        for effect in event.affects():
            if isinstance(effect, StoryPages):
                await self._cache.invalidate(story_tag(effect.site_id, effect.story_key))
            elif isinstance(effect, AccountPages):
                await self._cache.invalidate(account_tag(effect.account_id))
