"""The encoder's queue under load: answered within the budget, shed when the queue is over it,
late answers not waited for, and every outcome counted (``rejoinder_moderation_second_stage``).

The slow encoder here is a real object of these tests: it blocks until the test lets it go and
advances a clock of its own by a fixed cost per comment, so the queue learns an exact pace."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from factories import make_reader, make_story
from moderation.test_scoring import UNCERTAIN
from observability.test_metrics import scrape, value
from rejoinder.app import create_app
from rejoinder.moderation.models import comment_checks
from rejoinder.moderation.scoring import Scoring
from rejoinder.moderation.second_stage import OUTCOMES, PROBE_INTERVAL, Outcome, SecondStage
from rejoinder.moderation.text.normalize import fold
from rejoinder.moderation.text.toxicity import CascadeScorer, default_cascade
from rejoinder.observability.metrics import SECOND_STAGE_OUTCOMES
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings
from support.ports import eventually


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class SlowEncoder:
    """Costs ``cost`` seconds of ``clock`` per comment, and answers only once ``go`` is set."""

    def __init__(self, clock: Clock, cost: float, answer: float = 0.25) -> None:
        self.clock = clock
        self.cost = cost
        self.answer = answer
        self.go = threading.Event()
        self.go.set()
        self.read: list[str] = []

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        self.read.extend(texts)
        assert self.go.wait(10), "the test never let the encoder go"
        self.clock.now += self.cost * len(texts)
        return [self.answer] * len(texts)


class Outcomes(list[Outcome]):
    def __call__(self, outcome: Outcome) -> None:
        self.append(outcome)


def _stage(cost: float, budget: float) -> tuple[SecondStage, SlowEncoder, Outcomes]:
    clock = Clock()
    encoder = SlowEncoder(clock, cost)
    counted = Outcomes()
    return SecondStage(encoder, budget, counted, clock=clock), encoder, counted


async def test_the_normal_path_is_answered_by_the_real_encoder_then_remembered() -> None:
    head = default_cascade(0.3, 0.9).head
    counted = Outcomes()
    stage = SecondStage(head, 30.0, counted)
    expected = head.probabilities([UNCERTAIN])[0]
    assert await stage.ask(UNCERTAIN) == pytest.approx(expected, abs=1e-6)
    assert await stage.ask(UNCERTAIN) == pytest.approx(expected, abs=1e-6)
    assert counted == ["answered", "cached"]
    assert stage.per_text > 0  # the pace was learnt from the round


async def test_a_queue_over_the_budget_sheds_and_the_encoder_never_reads_those() -> None:
    """At 2 s a comment and a budget of 5 s, the first request starts a round and the second
    waits behind it (4 s); the third would wait 6 s, so it and every later one are shed."""
    stage, encoder, counted = _stage(cost=2.0, budget=5.0)
    assert await stage.ask("teach the pace") == 0.25
    assert stage.per_text == pytest.approx(2.0)
    encoder.go.clear()
    texts = [f"{UNCERTAIN} ({n})" for n in range(8)]
    pending = [asyncio.ensure_future(stage.ask(t)) for t in texts]
    await asyncio.sleep(0)  # every request has reached the queue
    shed = [task for task in pending if task.done()]
    assert len(shed) == 6
    assert all(task.result() is None for task in shed)
    encoder.go.set()
    answers = await asyncio.gather(*pending)
    assert answers[:2] == [0.25, 0.25]
    assert encoder.read == ["teach the pace", *texts[:2]]
    assert sorted(counted) == sorted(["answered"] * 3 + ["shed"] * 6)


async def test_the_round_in_flight_counts_against_the_budget() -> None:
    stage, encoder, _ = _stage(cost=1.0, budget=5.0)
    await stage.ask("teach the pace")
    encoder.go.clear()
    busy = [asyncio.ensure_future(stage.ask(f"round of four ({n})")) for n in range(4)]
    await eventually(lambda: len(encoder.read) == 5, what="the round of four being read")
    assert stage.expected_wait() == pytest.approx(4.0 + 1.0)  # what is left, then itself
    encoder.go.set()
    await asyncio.gather(*busy)
    assert stage.expected_wait() == pytest.approx(1.0)


async def test_a_slow_pace_alone_sheds_but_is_learnt_again_from_probes() -> None:
    """One slow measurement (a busy moment) must not shed every later request for good: an
    idle queue sheds the request but reads it anyway once a second (a probe), and the
    quicker pace is learnt; in between, shed requests are not read at all."""
    stage, encoder, counted = _stage(cost=9.0, budget=5.0)
    await stage.ask("a busy moment")
    assert stage.per_text > stage.budget
    encoder.cost = 0.0  # the machine is quiet again
    probes = 0
    while stage.per_text > stage.budget:
        assert await stage.ask(f"probe {probes}") is None
        await eventually(stage.idle, what="the probe's round")
        probes += 1
        if stage.per_text > stage.budget:
            assert await stage.ask(f"not a probe {probes}") is None  # within the same second
        encoder.clock.now += PROBE_INTERVAL
        assert probes < 10, stage.per_text
    assert probes == 3  # 9 s, then 7.2, 5.76 and 4.6 at a pace of nothing
    assert await stage.ask("answered again") == 0.25
    assert encoder.read == ["a busy moment", "probe 0", "probe 1", "probe 2", "answered again"]
    assert counted == ["answered", *["shed"] * 5, "answered"]
    assert await stage.ask("probe 0") == 0.25  # a probe's answer is remembered
    assert counted[-1] == "cached"


async def test_a_late_answer_falls_back_and_what_nobody_waits_for_is_not_read() -> None:
    stage, encoder, counted = _stage(cost=0.0, budget=0.05)
    encoder.go.clear()
    first = asyncio.ensure_future(stage.ask("read, but too late"))
    await eventually(lambda: bool(encoder.read), what="its round")
    second = asyncio.ensure_future(stage.ask("queued behind it"))
    assert await first is None
    assert await second is None
    assert counted == ["late", "late"]
    encoder.go.set()
    await eventually(stage.idle, what="the round's end")
    assert encoder.read == ["read, but too late"]  # the second was withdrawn before its round
    assert stage.cache == {"read, but too late": 0.25}  # a late answer is still remembered


async def test_a_late_encoder_leaves_the_first_stage_score_in_the_pipelines_scoring() -> None:
    real = default_cascade(0.2, 0.9)
    clock = Clock()
    encoder = SlowEncoder(clock, 0.0, answer=1.0)
    encoder.go.clear()
    counted = Outcomes()
    cascade = CascadeScorer(real.first, real.head, 0.2, 0.9)
    cascade.head = encoder  # type: ignore[assignment]  # a reader of our own, no trained head
    scoring = Scoring(cascade, timeout_ms=20, counted=counted)
    first = real.first.score_folded(UNCERTAIN, fold(UNCERTAIN))
    try:
        assert await scoring.score(UNCERTAIN, fold(UNCERTAIN)) == first
    finally:
        encoder.go.set()
    assert counted == ["late"]


async def test_a_failing_encoder_is_counted() -> None:
    class Broken:
        def probabilities(self, texts: Sequence[str]) -> list[float]:  # noqa: ARG002
            raise RuntimeError("engine crashed")

    counted = Outcomes()
    assert await SecondStage(Broken(), 5.0, counted).ask(UNCERTAIN) is None
    assert counted == ["failed"]


def test_the_metric_knows_every_outcome() -> None:
    assert SECOND_STAGE_OUTCOMES == OUTCOMES


async def test_the_counter_moves_when_a_comment_reaches_the_second_stage(
    settings: Settings, runtime: Runtime
) -> None:
    """Through the real app and the real pipeline: a comment in the band is read by the
    encoder (answered), the same text again is remembered (cached)."""
    cascade = runtime.moderation.scorer  # type: ignore[attr-defined]  # the real Pipeline's
    assert isinstance(cascade, CascadeScorer)
    first = cascade.first.score_folded(UNCERTAIN, fold(UNCERTAIN))
    assert not cascade.settled(first, UNCERTAIN)
    transport = httpx.ASGITransport(
        app=create_app(settings, runtime=runtime), client=("127.0.0.1", 5)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        before = await scrape(http)
        assert value(before, "rejoinder_moderation_second_stage_total", outcome="answered") == 0
        story = await make_story(runtime)
        url = f"/api/v1/sites/news/stories/{story}/comments"
        for reader in (await make_reader(runtime), await make_reader(runtime)):
            response = await http.post(url, json={"body": UNCERTAIN}, headers=reader.headers)
            assert response.status_code in {201, 202}, response.text
        after = await scrape(http)
    assert value(after, "rejoinder_moderation_second_stage_total", outcome="answered") == 1
    assert value(after, "rejoinder_moderation_second_stage_total", outcome="cached") == 1
    assert value(after, "rejoinder_moderation_second_stage_total", outcome="shed") == 0


class Told(list[tuple[str, float]]):
    async def __call__(self, text: str, value: float) -> None:
        self.append((text, value))


async def test_a_shed_text_is_read_again_once_nothing_waits() -> None:
    """The queue is over its budget (a pace of 10 s a comment against 1 s): the request is shed,
    kept, and read again once the queue has nothing else to do; the callback hears the answer."""
    clock = Clock()
    encoder = SlowEncoder(clock, cost=10.0, answer=0.8)
    told = Told()
    stage = SecondStage(encoder, 1.0, Outcomes(), clock=clock, reread=told)
    stage.per_text = 10.0
    assert await stage.ask("shed under load") is None
    await eventually(lambda: told == [("shed under load", 0.8)])
    assert list(stage.later) == []
    assert await stage.ask("shed under load") == 0.8  # remembered since


async def test_without_a_callback_nothing_is_kept_for_later() -> None:
    stage, _, _ = _stage(cost=10.0, budget=1.0)
    stage.per_text = 10.0
    assert await stage.ask("shed under load") is None
    assert list(stage.later) == []


async def test_the_second_opinion_flags_the_published_unreviewed_comment(
    settings: Settings, runtime: Runtime
) -> None:
    """A band comment published on the first stage alone: the encoder's late answer, high
    enough for both stages together to pass the threshold, flags it for the desk (a finding
    in its trace)."""
    pipeline = runtime.moderation
    inner = getattr(pipeline, "inner", pipeline)  # the real Pipeline behind the metrics
    transport = httpx.ASGITransport(
        app=create_app(settings, runtime=runtime), client=("127.0.0.1", 5)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://rejoinder.test") as http:
        story = await make_story(runtime)
        url = f"/api/v1/sites/news/stories/{story}/comments"
        posted = await http.post(
            url, json={"body": UNCERTAIN}, headers=(await make_reader(runtime)).headers
        )
        assert posted.status_code == 201, posted.text
        comment_id = posted.json()["comment"]["id"]
    await inner._second_opinion(UNCERTAIN, 0.01)  # both stages together under the threshold
    before = await _check(runtime, comment_id)
    assert before.flagged is False
    await inner._second_opinion(UNCERTAIN, 0.99)
    after = await _check(runtime, comment_id)
    assert after.flagged is True
    assert after.toxicity >= settings.moderation.toxicity_threshold
    assert "read again by the encoder" in after.trace


async def _check(runtime: Runtime, comment_id: int) -> Any:
    async with runtime.db.read() as conn:
        query = select(comment_checks).where(comment_checks.c.comment_id == comment_id)
        return (await conn.execute(query)).one()
