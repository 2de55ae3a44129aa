"""Counting decorators around the runtime's backends, picked in ``rejoinder.app``.

They wrap whatever implementation was chosen (memory or, later, Redis cache; the real
pipeline or the pass-through) and forward everything else untouched, so the backends
themselves know nothing about metrics.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from rejoinder.kernel.events import Event, EventBus
from rejoinder.observability.logs import request_id
from rejoinder.observability.metrics import Metrics


class _Decorator:
    """Forwards every attribute it does not define to ``inner``, reads and writes alike."""

    _own: frozenset[str] = frozenset({"inner", "metrics"})

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        object.__setattr__(self, "inner", inner)
        object.__setattr__(self, "metrics", metrics)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._own:
            object.__setattr__(self, name, value)
        else:  # e.g. a test swapping the pipeline's scorer: it is meant for the real one
            setattr(self.inner, name, value)


# The fast path looks a page up, and on a miss the handler behind it looks again: count each
# key once per request, so that the ratio is per request and not per call.
_last_lookup: ContextVar[tuple[str, str] | None] = ContextVar(
    "rejoinder_cache_lookup", default=None
)


class CountingPageCache(_Decorator):
    """A page cache that counts its hits and misses (the fast path's lookups included)."""

    async def get(self, key: str, now: float) -> Any:
        page = await self.inner.get(key, now)
        rid = request_id.get()
        if rid is None or _last_lookup.get() != (rid, key):
            if rid is not None:
                _last_lookup.set((rid, key))
            self.metrics.page_cache_lookup(hit=page is not None)
        return page


class TimedPipeline(_Decorator):
    """A moderation pipeline whose decisions are timed, per outcome."""

    async def decide(self, ctx: Any) -> Any:
        started = time.perf_counter()
        decision = await self.inner.decide(ctx)
        self.metrics.moderation_decided(decision.status, time.perf_counter() - started)
        return decision


def count_comments(bus: EventBus, metrics: Metrics) -> None:
    """Count stored comments by moderation status, from the committed ``comment.created``."""

    async def on_created(event: Event) -> None:
        status = event.data.get("status")
        if isinstance(status, str):
            metrics.comment_stored(status)

    bus.subscribe("comment.created", on_created)


def instrument(runtime: Any, metrics: Metrics) -> None:
    """Decorate ``runtime``'s cache and pipeline once, and subscribe the counters."""
    if not isinstance(runtime.cache, CountingPageCache):
        runtime.cache = CountingPageCache(runtime.cache, metrics)
        runtime.moderation = TimedPipeline(runtime.moderation, metrics)
        count_comments(runtime.bus, metrics)
