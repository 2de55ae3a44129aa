"""How the pipeline asks for a toxicity score: inline, batched, or through a timeout.

* The n-gram first stage runs inline (~100 µs: a thread hop would cost more than the call).
* The cascade's second stage (the sentence encoder, 10-40 ms) runs in a worker thread (the C
  engine releases the GIL, so the event loop keeps serving), and comments that arrive while it
  is busy are **batched into one encoder call**. When it is later than the timeout, the first
  stage's score stands: a slow model never blocks a comment. When it is so far behind that a
  new request could not be answered in time, the request is not queued (the first stage
  decides at once, and the encoder's time goes to answers someone will read); answers are
  remembered by text (an LRU of 4,096).
* Any other scorer (a remote service) goes through :func:`score_with_timeout_async`.

Every path answers ``None`` on failure: the comment passes, as the pipeline's contract says.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict

from rejoinder.moderation.text.toxicity import (
    CascadeScorer,
    NgramScorer,
    ToxicityScorer,
    score_with_timeout_async,
)

__all__ = ["Scoring"]

log = logging.getLogger(__name__)
# Small rounds: the encoder costs ~30 ms a comment on one core, so the last of a round of N
# waits N times that. Four keeps a busy moment within the timeout.
_MAX_BATCH = 4
# Second-stage answers remembered by text: edits that change nothing, "First!", copy-pasted
# campaigns and a quotation's outside text re-scored are common, and an answer costs ~30 ms.
_CACHE_SIZE = 4096


class _Batcher:
    """Collects second-stage requests and runs them in one encoder call per round.

    It keeps a running estimate of the encoder's time per comment; a request that could not be
    answered within the timeout behind the ones already waiting is not queued at all (the
    first stage's score stands at once), and one whose caller gave up is dropped before it
    runs: under a burst the encoder never works for answers nobody will read."""

    def __init__(self, cascade: CascadeScorer, timeout: float) -> None:
        self.cascade = cascade
        self.timeout = timeout
        self.waiting: list[tuple[str, asyncio.Future[float]]] = []
        self.running = False
        self.in_flight = 0  # texts of the round the encoder is reading now
        self.per_text = 0.0  # seconds an encoder call takes per comment, learnt from each round
        self.cache: OrderedDict[str, float] = OrderedDict()
        self.shed = 0  # requests answered by the first stage because the encoder was behind

    def cached(self, text: str) -> float | None:
        value = self.cache.get(text)
        if value is not None:
            self.cache.move_to_end(text)
        return value

    def behind(self) -> bool:
        """Whether a new request would wait longer than the timeout (the queue and one round
        in progress ahead of it)."""
        ahead = len(self.waiting) + self.in_flight + 1
        return ahead * self.per_text > self.timeout

    def submit(self, text: str) -> asyncio.Future[float]:
        """Queue ``text`` now (so the next request sees it waiting); cancel the future to
        withdraw it."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting.append((text, future))
        if not self.running:
            self.running = True
            asyncio.get_running_loop().create_task(self._drain())
        return future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                self.waiting = [(t, f) for t, f in self.waiting if not f.done()]
                batch, self.waiting = self.waiting[:_MAX_BATCH], self.waiting[_MAX_BATCH:]
                if not batch:
                    break
                texts = [text for text, _ in batch]
                started = time.perf_counter()
                self.in_flight = len(texts)
                try:
                    values = await asyncio.to_thread(self.cascade.head.probabilities, texts)
                except Exception as error:  # noqa: BLE001 -- every waiter gets the failure
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                spent = (time.perf_counter() - started) / len(texts)
                self.per_text = 0.8 * self.per_text + 0.2 * spent
                for (text, future), value in zip(batch, values, strict=True):
                    self.cache[text] = value
                    if not future.done():
                        future.set_result(value)
                while len(self.cache) > _CACHE_SIZE:
                    self.cache.popitem(last=False)
        finally:
            self.running = False
            self.in_flight = 0


class Scoring:
    """The pipeline's scorer, called the cheapest way that fits it."""

    def __init__(self, scorer: ToxicityScorer, timeout_ms: int) -> None:
        self.scorer = scorer
        self.timeout = timeout_ms / 1000
        self._batcher = _Batcher(scorer, self.timeout) if type(scorer) is CascadeScorer else None

    async def score(self, text: str, folded: str) -> float | None:
        """The toxicity score, or None when the scorer fails or is late (the comment passes)."""
        scorer = self.scorer
        try:
            if type(scorer) is NgramScorer:
                return scorer.score_folded(text, folded)
            if type(scorer) is CascadeScorer and self._batcher is not None:
                first = scorer.first.score_folded(text, folded)
                if scorer.settled(first, text):
                    return first
                return await self._second(scorer, text, first)
        except Exception:
            log.exception("toxicity scorer failed")
            return None
        return await score_with_timeout_async(scorer, text, self.timeout)

    async def _second(self, cascade: CascadeScorer, text: str, first: float) -> float | None:
        batcher = self._batcher
        assert batcher is not None  # only cascades get here
        second = batcher.cached(text)
        if second is not None:
            return cascade.combine(first, second, text)
        if batcher.behind():
            batcher.shed += 1
            if batcher.shed % 100 == 1:
                log.warning("the second toxicity stage is behind: the first stage decides")
            return cascade.alone(first, text)
        try:
            second = await asyncio.wait_for(batcher.submit(text), self.timeout)
        except TimeoutError:
            log.warning("the second toxicity stage took longer than %.3fs", self.timeout)
            return cascade.alone(first, text)
        except Exception:
            log.exception("the second toxicity stage failed; the first stage's score stands")
            return cascade.alone(first, text)
        return cascade.combine(first, second, text)
