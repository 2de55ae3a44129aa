"""The hot-page cache: a story's first page for anonymous readers, kept as prepared bytes.

Pages are tagged with their story and dropped when an event says the story changed
(``rejoinder.app`` subscribes ``invalidate_on`` to the bus). A reader that started before an
invalidation must not store what it read: it takes an ``epoch`` before querying and ``put``
refuses pages older than the story's last invalidation. That is what makes "an edited, deleted
or rejected comment never comes back from the cache" hold under concurrency too.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Protocol

import msgspec

from rejoinder.kernel.events import Event, Handler


class CachedPage(msgspec.Struct, frozen=True):
    body: bytes
    expires_at: float  # seconds since the epoch (runtime clock)


class PageCache(Protocol):
    """Async so that a shared (Redis) implementation can take its place."""

    async def epoch(self) -> int:
        """A token to take before reading what will be ``put``."""
        ...

    async def get(self, key: str, now: float) -> CachedPage | None:
        """The page under ``key`` unless it expired."""
        ...

    async def put(self, key: str, tag: str, epoch: int, page: CachedPage) -> None:
        """Store unless ``tag`` was invalidated after ``epoch`` was taken."""
        ...

    async def invalidate(self, tag: str) -> None:
        """Drop every page of ``tag`` (a story)."""
        ...

    async def clear(self) -> None:
        """Drop every page (a display name or role changed somewhere)."""
        ...


def story_tag(site_id: str, story_key: str) -> str:
    return f"{site_id}\x00{story_key}"


class MemoryPageCache:
    """The embedded default: per process, least recently used pages go first."""

    def __init__(self, max_entries: int = 10_000, max_tags: int = 100_000) -> None:
        self._pages: OrderedDict[str, tuple[str, CachedPage]] = OrderedDict()
        self._keys_by_tag: dict[str, set[str]] = {}
        self._invalidated: OrderedDict[str, int] = OrderedDict()
        self._epoch = 0
        self._floor = 0  # reads that started before this never store (records were evicted)
        self._max_entries = max_entries
        self._max_tags = max_tags

    async def epoch(self) -> int:
        return self._epoch

    async def get(self, key: str, now: float) -> CachedPage | None:
        item = self._pages.get(key)
        if item is None:
            return None
        page = item[1]
        if page.expires_at <= now:
            self._drop(key)
            return None
        return page

    async def put(self, key: str, tag: str, epoch: int, page: CachedPage) -> None:
        if epoch < self._floor or self._invalidated.get(tag, -1) > epoch:
            return
        self._pages[key] = (tag, page)
        self._pages.move_to_end(key)
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
        for key in self._keys_by_tag.pop(tag, ()):
            self._pages.pop(key, None)

    async def clear(self) -> None:
        self._epoch += 1
        self._floor = self._epoch
        self._pages.clear()
        self._keys_by_tag.clear()
        self._invalidated.clear()

    def _drop(self, key: str) -> None:
        item = self._pages.pop(key, None)
        if item is not None:
            keys = self._keys_by_tag.get(item[0])
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._keys_by_tag[item[0]]


class NullPageCache:
    """Caching off (``comments.cache_enabled = false``): every read goes to the database."""

    # The arguments are the Protocol's; a cache that keeps nothing has no use for them.

    async def epoch(self) -> int:
        return 0

    async def get(self, key: str, now: float) -> CachedPage | None:  # noqa: ARG002
        return None

    async def put(self, key: str, tag: str, epoch: int, page: CachedPage) -> None:  # noqa: ARG002
        return None

    async def invalidate(self, tag: str) -> None:  # noqa: ARG002
        return None

    async def clear(self) -> None:
        return None


CLEAR_ALL = frozenset({"profile.display_name_changed", "account.role_changed"})


def invalidate_on(cache: PageCache) -> Handler:
    """A bus subscriber (``*``) that keeps ``cache`` honest."""

    async def handler(event: Event) -> None:
        if event.name in CLEAR_ALL:
            await cache.clear()
            return
        site, story = event.data.get("site_id"), event.data.get("story_key")
        if isinstance(site, str) and isinstance(story, str):
            await cache.invalidate(story_tag(site, story))

    return handler
