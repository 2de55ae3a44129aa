"""Prometheus metrics, one ``Metrics`` object per app.

Single process: the metrics live in the object's own registry. Several processes (uvicorn
``--workers``, or several ``rejoinder serve`` behind a balancer on one machine): set
``metrics.multiprocess_dir``; every process then writes its values to memory-mapped files in
that directory and a scrape of any one of them sums all (``prometheus_client`` multiprocess
mode). That mode has to be chosen before the first metric is made, which is why
``Metrics.__init__`` switches it on before creating anything.

Hooks for code that times things itself (see ``docs/deployment.md``, "Metrics"):
``page_cache_lookup(hit)``, ``sqlite_write_lock_wait(seconds)`` / ``time_write_lock()``,
``moderation_decided(status, seconds)``, ``second_stage_ended(outcome)`` and
``comment_stored(status)``.
"""

from __future__ import annotations

import os
import time
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    values,
)
from prometheus_client.multiprocess import MultiProcessCollector

from rejoinder.settings import MetricsSettings

# Latency buckets from a cached page (~100 µs) to a slow write (seconds).
REQUEST_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
WAIT_BUCKETS = (0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10)
COMMENT_STATUSES = ("published", "pending", "rejected")
# How a request to the toxicity model's second stage ended (rejoinder.moderation.second_stage).
SECOND_STAGE_OUTCOMES = ("answered", "cached", "shed", "late", "failed")
UNMATCHED = "(unmatched)"  # requests no route answered: one label, whatever the path


def _enable_multiprocess(directory: str) -> None:
    Path(directory).mkdir(parents=True, exist_ok=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    # prometheus_client reads the variable once, at import; pick the value class again now.
    values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]  # untyped upstream


class BatchedSamples:
    """Samples of one histogram child, kept in a list and added in bulk: one lock per bucket
    per batch instead of three per sample. For the hottest answer there is (a cached page,
    ~10 µs in all, of which a plain ``observe`` and a counter took a fifth). Pending samples
    are added before every scrape, when 256 are waiting, and a second after the first."""

    __slots__ = ("_bounds", "_child", "_counter", "_first", "_pending")

    def __init__(self, child: Histogram, counter: Counter | None = None) -> None:
        self._child = child
        self._counter = counter  # counted once per sample too (cache hits)
        self._bounds: list[float] = list(getattr(child, "_upper_bounds", ()))
        self._pending: list[float] = []
        self._first = 0.0

    def add(self, seconds: float, now: float) -> None:
        pending = self._pending
        if not pending:
            self._first = now
        pending.append(seconds)
        if len(pending) >= 256 or now - self._first >= 1.0:
            self.flush()

    def flush(self) -> None:
        samples, self._pending = self._pending, []
        if not samples:
            return
        if self._counter is not None:
            self._counter.inc(len(samples))
        child = self._child
        buckets = getattr(child, "_buckets", None)
        total = getattr(child, "_sum", None)
        if buckets is None or total is None or len(buckets) != len(self._bounds):
            for seconds in samples:  # prometheus_client changed its insides: the slow way
                child.observe(seconds)
            return
        counts = [0] * len(buckets)
        for seconds in samples:  # ``observe`` puts a sample in the first bucket >= it
            counts[bisect_left(self._bounds, seconds)] += 1
        for bucket, count in zip(buckets, counts, strict=True):
            if count:
                bucket.inc(count)
        total.inc(sum(samples))


class Metrics:
    """Every metric the service exports, and the scrape."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self, settings: MetricsSettings) -> None:
        self.directory = settings.multiprocess_dir or None
        if self.directory is not None:
            _enable_multiprocess(self.directory)
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.requests = Histogram(
            "rejoinder_http_request_duration_seconds",
            "Time from the request's arrival to the end of its response, per route template.",
            ["method", "route", "status"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.comments = Counter(
            "rejoinder_comments",
            "Comments stored, by the moderation outcome (published, pending = held, rejected).",
            ["status"],
            registry=registry,
        )
        self.decisions = Histogram(
            "rejoinder_moderation_decision_seconds",
            "Time the moderation pipeline took to decide one new or edited comment.",
            ["status"],
            buckets=WAIT_BUCKETS,
            registry=registry,
        )
        self.second_stage = Counter(
            "rejoinder_moderation_second_stage",
            "Comments the toxicity model's second stage (the sentence encoder) was asked about, "
            "by how it ended: answered, cached, shed (the queue was over the budget) or late "
            "(queued, not answered in time) and failed (the first stage decided).",
            ["outcome"],
            registry=registry,
        )
        self.cache_lookups = Counter(
            "rejoinder_page_cache_lookups",
            "Hot-page cache lookups; hit ratio = hit / (hit + miss).",
            ["result"],
            registry=registry,
        )
        self.write_lock_wait = Histogram(
            "rejoinder_sqlite_write_lock_wait_seconds",
            "Time a write waited for SQLite's single writer before it could begin.",
            buckets=WAIT_BUCKETS,
            registry=registry,
        )
        # Children resolved once: ``labels()`` takes a lock and builds a tuple on every call.
        self._hit = self.cache_lookups.labels("hit")
        self._miss = self.cache_lookups.labels("miss")
        self._request_children: dict[tuple[str, str, str], Histogram] = {}
        self._batches: list[BatchedSamples] = []
        for status in COMMENT_STATUSES:
            self.comments.labels(status)
            self.decisions.labels(status)
        self._second_stage = {o: self.second_stage.labels(o) for o in SECOND_STAGE_OUTCOMES}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.request_child(method, route, status).observe(seconds)

    def request_child(self, method: str, route: str, status: int) -> Histogram:
        """The histogram's child for these labels, looked up once and kept."""
        key = (method, route, str(status))
        child = self._request_children.get(key)
        if child is None:
            child = self._request_children[key] = self.requests.labels(*key)
        return child

    def batched_request(
        self, method: str, route: str, status: int, *, cache_hit: bool | None = None
    ) -> BatchedSamples:
        """Latency samples for these labels, added in bulk (``BatchedSamples``); each also
        counts a page-cache hit when ``cache_hit``, a miss when it is ``False``."""
        counter = None if cache_hit is None else self._hit if cache_hit else self._miss
        batch = BatchedSamples(self.request_child(method, route, status), counter)
        self._batches.append(batch)
        return batch

    def comment_stored(self, status: str) -> None:
        """A comment was committed with this moderation status."""
        self.comments.labels(status).inc()

    def moderation_decided(self, status: str, seconds: float) -> None:
        self.decisions.labels(status).observe(seconds)

    def second_stage_ended(self, outcome: str) -> None:
        self._second_stage[outcome].inc()

    def page_cache_lookup(self, *, hit: bool) -> None:
        (self._hit if hit else self._miss).inc()

    def sqlite_write_lock_wait(self, seconds: float) -> None:
        self.write_lock_wait.observe(seconds)

    @contextmanager
    def time_write_lock(self) -> Iterator[None]:
        """Wrap the wait for the writer (``BEGIN IMMEDIATE`` / the writer lock), not the write."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.sqlite_write_lock_wait(time.perf_counter() - started)

    def scrape(self) -> bytes:
        """The text exposition format: this process, or every process sharing the directory
        (another process's batched samples arrive within a second of its next request)."""
        for batch in self._batches:
            batch.flush()
        if self.directory is None:
            return generate_latest(self.registry)
        merged = CollectorRegistry()
        MultiProcessCollector(merged, path=self.directory)  # type: ignore[no-untyped-call]  # untyped upstream
        return generate_latest(merged)
