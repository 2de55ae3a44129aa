"""How the pipeline calls the two-stage model: settled scores inline, the band through the
encoder (batched), and the first stage's score when the encoder is late or fails."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from rejoinder.moderation.scoring import Scoring
from rejoinder.moderation.text.embedding import EmbeddingHead
from rejoinder.moderation.text.normalize import fold
from rejoinder.moderation.text.toxicity import CascadeScorer, default_cascade, default_scorer

UNCERTAIN = "The mayor's plan is reckless and I will vote against her."


def _first(text: str) -> float:
    return default_scorer().score_folded(text, fold(text))


def test_the_band_is_what_the_encoder_reads() -> None:
    cascade = default_cascade(0.2, 0.9)
    assert cascade.settled(0.1, "Thank you.")
    assert cascade.settled(0.95, UNCERTAIN)
    assert not cascade.settled(0.5, UNCERTAIN)
    assert not cascade.settled(0.95, "first **draft**")  # too short to trust a high score


async def test_an_uncertain_comment_gets_both_stages_and_a_plain_one_only_the_first() -> None:
    cascade = default_cascade(0.2, 0.9)
    scoring = Scoring(cascade, timeout_ms=30_000)
    first = _first(UNCERTAIN)
    assert not cascade.settled(first, UNCERTAIN), first  # the example must sit in the band
    second = cascade.head.probabilities([UNCERTAIN])[0]
    score = await scoring.score(UNCERTAIN, fold(UNCERTAIN))
    assert score == pytest.approx((first + second) / 2, abs=1e-4)
    short = "Thank you."  # a short comment: the lower of the two stages
    assert await scoring.score(short, fold(short)) == pytest.approx(
        min(_first(short), cascade.head.probabilities([short])[0]), abs=1e-4
    )
    plain = "Thank you for a well researched article."
    assert _first(plain) < cascade.clear_below
    assert await scoring.score(plain, fold(plain)) == _first(plain)


async def test_concurrent_comments_share_encoder_calls() -> None:
    calls: list[int] = []

    class Counting(EmbeddingHead):
        def probabilities(self, texts: Sequence[str]) -> list[float]:
            calls.append(len(texts))
            return super().probabilities(texts)

    real = default_cascade(0.2, 0.9)
    head = Counting.load()
    scoring = Scoring(CascadeScorer(real.first, head, 0.2, 0.9), timeout_ms=30_000)
    texts = [f"{UNCERTAIN} ({n})" for n in range(6)]
    assert all(not real.settled(_first(t), t) for t in texts)
    scores = await asyncio.gather(*(scoring.score(t, fold(t)) for t in texts))
    assert len(scores) == 6
    assert sum(calls) == 6
    assert len(calls) < 6  # at least one round read several comments at once


async def test_a_late_encoder_leaves_the_first_stage_score(
    caplog: pytest.LogCaptureFixture,
) -> None:
    release = threading.Event()

    class Slow(EmbeddingHead):
        def probabilities(self, texts: Sequence[str]) -> list[float]:
            release.wait(5)
            return [1.0] * len(texts)

    real = default_cascade(0.2, 0.9)
    scoring = Scoring(CascadeScorer(real.first, Slow.load(), 0.2, 0.9), timeout_ms=20)
    try:
        assert await scoring.score(UNCERTAIN, fold(UNCERTAIN)) == _first(UNCERTAIN)
    finally:
        release.set()
    assert "behind (late" in caplog.text


async def test_a_failing_encoder_leaves_the_first_stage_score() -> None:
    class Broken(EmbeddingHead):
        def probabilities(self, texts: Sequence[str]) -> list[float]:  # noqa: ARG002
            raise RuntimeError("engine crashed")

    real = default_cascade(0.2, 0.9)
    scoring = Scoring(CascadeScorer(real.first, Broken.load(), 0.2, 0.9), timeout_ms=30_000)
    assert await scoring.score(UNCERTAIN, fold(UNCERTAIN)) == _first(UNCERTAIN)


async def test_an_answer_is_remembered_by_text() -> None:
    calls: list[int] = []

    class Counting(EmbeddingHead):
        def probabilities(self, texts: Sequence[str]) -> list[float]:
            calls.append(len(texts))
            return super().probabilities(texts)

    real = default_cascade(0.2, 0.9)
    scoring = Scoring(CascadeScorer(real.first, Counting.load(), 0.2, 0.9), timeout_ms=30_000)
    first = await scoring.score(UNCERTAIN, fold(UNCERTAIN))
    again = await scoring.score(UNCERTAIN, fold(UNCERTAIN))
    assert first == again
    assert calls == [1]


async def test_a_short_comment_is_not_routed_on_the_first_stage_alone() -> None:
    """Under 30 characters the first stage is not trusted by itself ("Better words" scores
    above 0.9 there): when the encoder cannot answer, the comment is not routed by its score,
    rather than nudged or held on the first stage's guess."""

    class Broken(EmbeddingHead):
        def probabilities(self, texts: Sequence[str]) -> list[float]:  # noqa: ARG002
            raise RuntimeError("engine crashed")

    real = default_cascade(0.2, 0.9)
    short = "Better words"
    assert _first(short) >= 0.9
    assert not real.settled(_first(short), short)  # the encoder is asked about it
    scoring = Scoring(CascadeScorer(real.first, Broken.load(), 0.2, 0.9), timeout_ms=30_000)
    assert await scoring.score(short, fold(short)) is None
