"""How the pipeline asks for a toxicity score: inline, through the encoder's queue, or through
a timeout.

* The n-gram first stage runs inline (~100 µs: a thread hop would cost more than the call).
* The cascade's second stage (the sentence encoder) is asked only about the band the first
  stage does not settle, through :class:`.second_stage.SecondStage`: batched, in a worker
  thread, and never waited for longer than ``toxicity_timeout_ms``; when it cannot answer in
  time (or fails) the first stage's score stands (``CascadeScorer.alone``).
* Any other scorer (a remote service) goes through :func:`score_with_timeout_async`.

Every path answers ``None`` on failure: the comment passes, as the pipeline's contract says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from rejoinder.moderation.second_stage import Outcome, Reread, SecondStage, uncounted
from rejoinder.moderation.text.toxicity import (
    CascadeScorer,
    NgramScorer,
    ToxicityScorer,
    score_with_timeout_async,
)

__all__ = ["Scoring"]

log = logging.getLogger(__name__)


class Scoring:
    """The pipeline's scorer, called the cheapest way that fits it."""

    def __init__(
        self,
        scorer: ToxicityScorer,
        timeout_ms: int,
        counted: Callable[[Outcome], None] = uncounted,
        reread: Reread | None = None,
    ) -> None:
        self.scorer = scorer
        self.timeout = timeout_ms / 1000
        self.second = (
            SecondStage(scorer.head, self.timeout, counted, reread=reread)
            if type(scorer) is CascadeScorer
            else None
        )

    async def score(self, text: str, folded: str) -> float | None:
        """The toxicity score, or None when the scorer fails or is late (the comment passes)."""
        scorer = self.scorer
        try:
            if type(scorer) is NgramScorer:
                return scorer.score_folded(text, folded)
            if type(scorer) is CascadeScorer and self.second is not None:
                first = scorer.first.score_folded(text, folded)
                if scorer.settled(first, text):
                    return first
                second = await self.second.ask(text)
                if second is None:
                    return scorer.alone(first, text)
                return scorer.combine(first, second, text)
        except Exception:
            log.exception("toxicity scorer failed")
            return None
        return await score_with_timeout_async(scorer, text, self.timeout)
