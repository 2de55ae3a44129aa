"""How the pipeline asks for a toxicity score: inline, batched, or through a timeout.

* The n-gram first stage runs inline (~100 µs: a thread hop would cost more than the call).
* The cascade's second stage (the sentence encoder, 10-40 ms) runs in a worker thread (the C
  engine releases the GIL, so the event loop keeps serving), and comments that arrive while it
  is busy are **batched into one encoder call**. When it is later than the timeout, the first
  stage's score stands: a slow model never blocks a comment.
* Any other scorer (a remote service) goes through :func:`score_with_timeout_async`.

Every path answers ``None`` on failure: the comment passes, as the pipeline's contract says.
"""

from __future__ import annotations

import asyncio
import logging

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


class _Batcher:
    """Collects second-stage requests and runs them in one encoder call per round."""

    def __init__(self, cascade: CascadeScorer) -> None:
        self.cascade = cascade
        self.waiting: list[tuple[str, asyncio.Future[float]]] = []
        self.running = False

    async def probability(self, text: str) -> float:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting.append((text, future))
        if not self.running:
            self.running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:_MAX_BATCH], self.waiting[_MAX_BATCH:]
                texts = [text for text, _ in batch]
                try:
                    values = await asyncio.to_thread(self.cascade.head.probabilities, texts)
                except Exception as error:  # noqa: BLE001 -- every waiter gets the failure
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (_, future), value in zip(batch, values, strict=True):
                    if not future.done():
                        future.set_result(value)
        finally:
            self.running = False


class Scoring:
    """The pipeline's scorer, called the cheapest way that fits it."""

    def __init__(self, scorer: ToxicityScorer, timeout_ms: int) -> None:
        self.scorer = scorer
        self.timeout = timeout_ms / 1000
        self._batcher = _Batcher(scorer) if type(scorer) is CascadeScorer else None

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

    async def _second(self, cascade: CascadeScorer, text: str, first: float) -> float:
        assert self._batcher is not None  # only cascades get here
        try:
            second = await asyncio.wait_for(
                asyncio.shield(self._batcher.probability(text)), self.timeout
            )
        except TimeoutError:
            log.warning("the second toxicity stage took longer than %.3fs", self.timeout)
            return first
        except Exception:
            log.exception("the second toxicity stage failed; the first stage's score stands")
            return first
        return cascade.combine(first, second, text)
