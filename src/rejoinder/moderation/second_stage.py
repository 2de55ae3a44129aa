"""The cascade's second stage under load: one queue for the sentence encoder, with a budget.

A comment whose first-stage score falls in the band (:meth:`.CascadeScorer.settled`) is read by
the encoder, which costs ~10-40 ms a comment on a quiet core and 100 ms or more when the
machine is busy. The pipeline's decision must not wait for it longer than the **budget**
(``moderation.toxicity_timeout_ms``), so:

* the queue knows how long it will take: the encoder's recent time per comment (learnt from
  each round) times the comments waiting, plus what is left of the round being read now;
* a request that could not be answered within the budget behind them is **shed**: it is not
  queued, and the first stage's score stands at once (``cascade.alone``);
* a request that was queued but is not answered by its deadline is **late** and falls back the
  same way; if its round has not started, the encoder never reads it (its time goes to answers
  someone will read);
* when nothing is queued or being read and the pace alone is over the budget, the request is
  shed too, but once a second the encoder reads it anyway (a **probe**): its answer is
  remembered and the pace is learnt again, so that one busy moment does not shed every later
  request for good, and a machine that stays busy spends one encoder call a second on it;
* answers are remembered by text (an LRU of 4,096): **cached**;
* with a ``reread`` callback, a text that was shed or late is **read again later**, when the
  queue has nothing else to do (at most one after each round, so a machine that stays busy
  spends little on it), and the callback is told the encoder's answer: the pipeline then
  flags the comment for the desk if both stages together would have stopped it.

Each request ends in one of :data:`OUTCOMES`, reported to ``counted`` (the Prometheus counter
``rejoinder_moderation_second_stage_total``, wired in ``observability.instrument``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Final, Literal, Protocol

__all__ = ["OUTCOMES", "Outcome", "SecondStage", "uncounted"]

log = logging.getLogger(__name__)

Outcome = Literal["answered", "cached", "shed", "late", "failed"]
OUTCOMES: Final[tuple[Outcome, ...]] = ("answered", "cached", "shed", "late", "failed")
# Small rounds: the last of a round of N waits for all N (the budget admits a round of four
# only when it is larger than the default or the encoder faster than on a shared core).
MAX_BATCH: Final = 4
# Edits that change nothing, "First!", copy-pasted campaigns and a quotation's outside text
# scored again are common, and an answer costs ~30 ms.
CACHE_SIZE: Final = 4096
# Weight of the newest round in the running estimate of the encoder's time per comment.
_LEARNING: Final = 0.2
# Seconds between probes: a probe's answer is read by nobody, and a busy machine has no CPU to
# spare for many of them.
PROBE_INTERVAL: Final = 1.0
# Texts kept for reading again; beyond it the oldest is forgotten (a burst longer than this
# is not read again whole).
LATER_SIZE: Final = 1000

Reread = Callable[[str, float], Coroutine[Any, Any, None]]


class Reader(Protocol):
    """What the queue needs of the encoder: one probability per text, from one call."""

    def probabilities(self, texts: Sequence[str]) -> list[float]: ...


def uncounted(outcome: Outcome) -> None:
    """The default ``counted``: no metrics are wired (tests, ``make eval-moderation``)."""


def _nobody_waits(probe: asyncio.Future[float]) -> None:
    if not probe.cancelled():
        probe.exception()  # retrieved, or asyncio would log a failure nobody waited for


class SecondStage:
    """The encoder's queue: requests batched into rounds, none waiting beyond the budget."""

    def __init__(
        self,
        reader: Reader,
        budget: float,
        counted: Callable[[Outcome], None] = uncounted,
        *,
        clock: Callable[[], float] = time.perf_counter,
        reread: Reread | None = None,
    ) -> None:
        self.reader = reader
        self.reread = reread
        self.later: deque[str] = deque(maxlen=LATER_SIZE)  # shed or late: read when idle
        self._told: set[asyncio.Task[None]] = set()  # callbacks running (held: weak refs)
        self._kick: asyncio.TimerHandle | None = None  # a drain of ``later`` while all is quiet
        self.budget = budget
        self.counted = counted
        self.clock = clock
        self.per_text = 0.0  # seconds an encoder call takes per comment, learnt from each round
        self.waiting: list[tuple[str, asyncio.Future[float]]] = []
        self.cache: OrderedDict[str, float] = OrderedDict()
        self.fallbacks = 0  # requests shed or late: the first stage decided
        self._running = False
        self._drainer: asyncio.Task[None] | None = None  # held: the loop keeps weak references
        self._round_ends = 0.0  # when the round being read should be done (estimated)
        self._probed = -PROBE_INTERVAL  # when the last probe was queued

    def expected_wait(self) -> float:
        """Seconds a request queued now would wait for its answer: what is left of the round
        in flight, then every waiting comment and itself at the recent pace."""
        left = max(0.0, self._round_ends - self.clock()) if self._running else 0.0
        queued = sum(not future.done() for _, future in self.waiting)  # late ones are withdrawn
        return left + (queued + 1) * self.per_text

    def idle(self) -> bool:
        return not self._running and not self.waiting

    async def ask(self, text: str) -> float | None:
        """The encoder's probability for ``text``, or None when the first stage must decide
        (shed, late or failed: see the module's docstring)."""
        value = self.cache.get(text)
        if value is not None:
            self.cache.move_to_end(text)
            self.counted("cached")
            return value
        if self.expected_wait() > self.budget:
            if self.idle() and self.clock() - self._probed >= PROBE_INTERVAL:
                self._probed = self.clock()
                self._submit(text).add_done_callback(_nobody_waits)
            self._fell_back("shed", text)
            return None
        try:
            value = await asyncio.wait_for(self._submit(text), self.budget)
        except TimeoutError:
            self._fell_back("late", text)
            return None
        except Exception:
            log.exception("the second toxicity stage failed; the first stage's score stands")
            self.counted("failed")
            return None
        self.counted("answered")
        return value

    def _fell_back(self, outcome: Outcome, text: str) -> None:
        self.counted(outcome)
        self.fallbacks += 1
        if self.reread is not None and text not in self.later:
            self.later.append(text)
        if self.fallbacks % 100 == 1:  # a busy machine sheds many: a line now and then
            log.warning(
                "the second toxicity stage is behind (%s; %d so far, ~%.0f ms a comment): "
                "the first stage decides",
                outcome,
                self.fallbacks,
                self.per_text * 1000,
            )

    def _submit(self, text: str) -> asyncio.Future[float]:
        """Queue ``text`` now, so that the next request counts it as waiting; cancelling the
        future (the deadline) withdraws it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[float] = loop.create_future()
        self.waiting.append((text, future))
        if not self._running:
            self._running = True
            self._drainer = loop.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        again = bool(self.later)  # one shed text read again per drain, once nothing waits
        try:
            while self.waiting or (again and self.later):
                if not self.waiting:
                    again = False
                    await self._read_again(self.later.popleft())
                    continue  # requests that came meanwhile are read before this drain ends
                live = [(text, future) for text, future in self.waiting if not future.done()]
                batch, self.waiting = live[:MAX_BATCH], live[MAX_BATCH:]
                if batch:
                    await self._read(batch)
        finally:
            self._running = False
            if self.later and self._kick is None:  # the rest, one a second while all is quiet
                self._kick = asyncio.get_running_loop().call_later(PROBE_INTERVAL, self._resume)

    def _resume(self) -> None:
        self._kick = None
        if not self._running and self.later:
            self._running = True
            self._drainer = asyncio.get_running_loop().create_task(self._drain())

    async def _read_again(self, text: str) -> None:
        value = self.cache.get(text)
        if value is None:
            future = asyncio.get_running_loop().create_future()
            await self._read([(text, future)])
            if future.exception() is not None:
                return  # the encoder failed: nothing to tell (logged by nobody: it is a retry)
            value = future.result()
        assert self.reread is not None  # only then is anything kept for later
        told: asyncio.Task[None] = asyncio.get_running_loop().create_task(self.reread(text, value))
        self._told.add(told)
        told.add_done_callback(self._told.discard)

    async def _read(self, batch: list[tuple[str, asyncio.Future[float]]]) -> None:
        texts = [text for text, _ in batch]
        started = self.clock()
        self._round_ends = started + len(texts) * self.per_text
        try:
            values = await asyncio.to_thread(self.reader.probabilities, texts)
        except Exception as error:  # noqa: BLE001 -- every waiter gets the failure
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        spent = (self.clock() - started) / len(texts)
        self.per_text = (
            spent if self.per_text == 0 else ((1 - _LEARNING) * self.per_text + _LEARNING * spent)
        )
        for (text, future), value in zip(batch, values, strict=True):
            self.cache[text] = value
            if not future.done():
                future.set_result(value)
        while len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
