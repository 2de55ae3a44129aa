"""Counting decorators around the runtime's backends, picked in ``rejoinder.app``.

They wrap whatever implementation was chosen (memory or, later, Redis cache; the real
pipeline or the pass-through) and forward everything else untouched, so the backends
themselves know nothing about metrics.
"""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import Any

from rejoinder.events.base import Event
from rejoinder.events.catalogue import CommentCreated
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
        # No request id: the fast path in front of every layer looked (its ``HitObserver``
        # counts its hits; its misses are counted when the handler looks again).
        if rid is not None and _last_lookup.get() != (rid, key):
            _last_lookup.set((rid, key))
            self.metrics.page_cache_lookup(hit=page is not None)
        return page


class TimedPipeline(_Decorator):
    """A moderation pipeline whose decisions are timed, per outcome, and whose second-stage
    requests are counted (when it has a second stage: the pass-through has none)."""

    def __init__(self, inner: Any, metrics: Metrics) -> None:
        super().__init__(inner, metrics)
        if hasattr(inner, "second_stage_counted"):
            inner.second_stage_counted = metrics.second_stage_ended

    async def decide(self, ctx: Any) -> Any:
        started = time.perf_counter()
        decision = await self.inner.decide(ctx)
        self.metrics.moderation_decided(decision.status, time.perf_counter() - started)
        return decision


class CommentCounter:
    """A relay consumer: stored comments by moderation status, from each committed
    ``comment.created`` (every process counts the comments it relays; a scrape sums them)."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def handle(self, event_id: int, event: Event) -> None:  # noqa: ARG002 - idempotent enough for a counter
        if isinstance(event, CommentCreated):
            self.metrics.comment_stored(event.status)


def instrument(runtime: Any, metrics: Metrics) -> None:
    """Decorate ``runtime``'s cache and pipeline once, and subscribe the counters."""
    if not isinstance(runtime.cache, CountingPageCache):
        runtime.cache = CountingPageCache(runtime.cache, metrics)
        runtime.moderation = TimedPipeline(runtime.moderation, metrics)
        runtime.relay.add(CommentCounter(metrics))
