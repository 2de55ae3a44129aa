"""Toxicity scoring: the scorer contract and the embedded default model.

The default, :class:`NgramScorer`, is a logistic regression over words, word pairs and
character n-grams (:mod:`.features`), trained by ``make model`` on the English and Japanese
corpus we wrote (``data/moderation/``; see its README). Its weights ship in the package as
``data/toxicity_model.json.gz``: no download, no GPU, no third-party run-time dependency, and
~100 µs a comment. Japanese is read through character n-grams, so it needs no tokeniser.

:meth:`NgramScorer.score` scores the text as written and as folded (leetspeak undone, spaced
letters joined: :func:`.normalize.fold`) and keeps the higher, so "1d10t" and "i d i o t" are
read as what they spell.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gzip
import itertools
import json
import logging
import math
import re
import threading
from pathlib import Path
from typing import Protocol

from rejoinder.moderation.text.embedding import EmbeddingHead, embed
from rejoinder.moderation.text.features import features
from rejoinder.moderation.text.normalize import fold

__all__ = [
    "DEFAULT_MODEL_PATH",
    "MODEL_FORMAT",
    "CascadeScorer",
    "NgramScorer",
    "ToxicityScorer",
    "default_cascade",
    "default_scorer",
    "score_with_timeout",
    "score_with_timeout_async",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "toxicity_model.json.gz"
MODEL_FORMAT = 2
_SHORT = 30  # characters: below this, the cascade asks the encoder even about a high score


class ToxicityScorer(Protocol):
    """Something that rates how likely a comment is to be abusive.

    ``score`` returns a probability-like number in [0, 1] (higher is worse) and
    may raise or be slow (a remote service): call it through
    :func:`score_with_timeout` where that matters. ``name`` identifies the model
    and its version, for the audit log.
    """

    @property
    def name(self) -> str: ...

    def score(self, text: str) -> float: ...


def _expit(z: float) -> float:
    # The two branches keep exp() from overflowing for large |z|.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class NgramScorer:
    """The embedded linear model (see the module docstring)."""

    __slots__ = ("_bias", "_weights", "name")

    def __init__(self, name: str, bias: float, weights: dict[str, float]) -> None:
        self.name = name
        self._bias = bias
        self._weights = weights

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> NgramScorer:
        """Read an exported model (``make model`` writes it)."""
        document = json.loads(gzip.decompress(path.read_bytes()))
        if document.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path}: unknown model format {document.get('format')!r}")
        return cls(document["name"], float(document["bias"]), document["weights"])

    def probability(self, text: str) -> float:
        """The model's probability on ``text`` exactly as given."""
        feats = features(text)
        if not feats:
            return 0.0  # nothing to read (empty, punctuation, emoji): no evidence of abuse
        # dict.get mapped in C (a missing feature weighs 0.0): no Python frame per feature.
        total = sum(map(self._weights.get, feats, _ZEROS))
        return _expit(self._bias + total / math.sqrt(len(feats)))

    def score_folded(self, text: str, folded: str) -> float:
        """The higher of the scores of ``text`` and of its folded form ``folded``."""
        if tiny(text):
            # "c1", "ok", "bad": too little to read; only an unmistakable word ("Die") counts.
            if len(_LATIN_LETTER.findall(text[:64])) < _TINY_LETTERS:
                return 0.0
            best = max(self.probability(text), self.probability(folded))
            return best if best >= _TINY_TRUST else 0.0
        raw = self.probability(text)
        # Folding mostly drops punctuation, which the features ignore anyway: score the folded
        # text only when its words differ (leetspeak undone, spaced letters joined), not when
        # only a number's runs were squeezed ("1000" is "100" there: it spells nothing).
        if folded:
            words = " ".join(_WORD.findall(text.casefold()))
            if folded != words and folded != _DIGIT_RUN.sub(r"\1\1", words):
                return max(raw, self.probability(folded))
        return raw

    def score(self, text: str) -> float:
        """The higher of the raw and the folded text's probability."""
        return self.score_folded(text, fold(text))


_ZEROS = itertools.repeat(0.0)
_WORD = re.compile(r"[^\W_]+")
_DIGIT_RUN = re.compile(r"([0-9])\1\1+")
_LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_TINY_LETTERS = 3
_TINY_TRUST = 0.9


def tiny(text: str) -> bool:
    """A comment of at most three Latin letters and no Japanese or Chinese ("c1", "ok", "bad")."""
    return len(_LATIN_LETTER.findall(text[:64])) <= _TINY_LETTERS and not _CJK.search(text[:64])


@functools.cache
def default_scorer() -> NgramScorer:
    """The embedded first-stage model, loaded once per process (about 0.1 s)."""
    return NgramScorer.load()


class CascadeScorer:
    """The n-gram model first; the sentence-embedding head for what it does not clear.

    Most comments are plainly civil or plainly abusive, and the first stage settles them in
    ~100 µs (a score below ``clear_below`` or from ``confident_above`` up); the rest are read by
    the embedding head (:mod:`.embedding`, ~10-40 ms), whose verdict is averaged with the first
    stage's: the head reads meaning (civil disagreement, neutral mentions of a group, reported
    speech), the n-grams read spelling (obfuscations, slurs, Japanese insults). On the dev
    split and the older evaluation set the band loses nothing against asking the head about
    everything (docs/moderation.md), at a fraction of the cost.
    """

    __slots__ = ("clear_below", "confident_above", "first", "head", "name")

    def __init__(
        self,
        first: NgramScorer,
        head: EmbeddingHead,
        clear_below: float,
        confident_above: float = 0.9,
    ) -> None:
        self.first = first
        self.head = head
        self.clear_below = clear_below
        self.confident_above = confident_above
        self.name = f"{first.name} + {head.name}"

    def settled(self, first: float, text: str) -> bool:
        """Whether the first stage's score is final (outside the band the head is asked about).

        A high score on a short comment is not trusted: with a handful of n-grams the linear
        model has little to go on ("first **draft**"), and the encoder reads a short text in
        a few milliseconds."""
        if first < self.clear_below or tiny(text):
            return True
        return first >= self.confident_above and len(text) >= _SHORT

    @staticmethod
    def combine(first: float, second: float, text: str = "") -> float:
        """The cascade's score from both stages' probabilities: their mean; for a short comment
        (a word or two, where either stage alone is easily fooled) the lower of the two."""
        if len(text) < _SHORT:
            return min(first, second)
        return (first + second) / 2

    @staticmethod
    def alone(first: float, text: str) -> float | None:
        """The score when the second stage cannot answer (behind, late, failed): the first
        stage's, except on a short comment, where it is not trusted alone (``settled``) and
        the comment is not routed by its score (``None``) rather than nudged or held on a
        guess ("Better words" scores 0.92 there)."""
        return first if len(text) >= _SHORT else None

    def score_folded(self, text: str, folded: str) -> float:
        first = self.first.score_folded(text, folded)
        if self.settled(first, text):
            return first
        return self.combine(first, self.head.probabilities([text])[0], text)

    def score(self, text: str) -> float:
        return self.score_folded(text, fold(text))


@functools.cache
def default_cascade(clear_below: float, confident_above: float) -> CascadeScorer:
    """Both stages, loaded once per process; the encoder loads in the background meanwhile, so
    the first comment that needs it does not wait out the scorer's timeout."""
    threading.Thread(target=embed, args=(["warm up"],), name="encoder-warm-up", daemon=True).start()
    return CascadeScorer(default_scorer(), EmbeddingHead.load(), clear_below, confident_above)


_executor: concurrent.futures.ThreadPoolExecutor | None = None


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    global _executor  # noqa: PLW0603 -- one lazily started pool per process
    if _executor is None:
        _executor = concurrent.futures.ThreadPoolExecutor(4, thread_name_prefix="toxicity")
    return _executor


def _valid(scorer: ToxicityScorer, value: float) -> float | None:
    if isinstance(value, float | int) and 0.0 <= value <= 1.0:
        return float(value)
    logger.warning("toxicity scorer %s returned %r, outside [0, 1]", scorer.name, value)
    return None


def score_with_timeout(scorer: ToxicityScorer, text: str, timeout_s: float) -> float | None:
    """``scorer.score(text)``, or None if it fails, is late, or answers out of range.

    None means "no opinion": the pipeline lets the comment through rather than hold
    every comment while a scoring service is down. A late call keeps running in its
    worker thread (threads cannot be killed); its answer is discarded.
    """
    future = _pool().submit(scorer.score, text)
    try:
        value = future.result(timeout=timeout_s)
    except TimeoutError:
        future.cancel()
        logger.warning("toxicity scorer %s took longer than %.3fs", scorer.name, timeout_s)
        return None
    except Exception:
        logger.exception("toxicity scorer %s failed", scorer.name)
        return None
    return _valid(scorer, value)


async def score_with_timeout_async(
    scorer: ToxicityScorer, text: str, timeout_s: float
) -> float | None:
    """The same contract as :func:`score_with_timeout`, for the event loop."""
    try:
        value = await asyncio.wait_for(asyncio.to_thread(scorer.score, text), timeout_s)
    except TimeoutError:
        logger.warning("toxicity scorer %s took longer than %.3fs", scorer.name, timeout_s)
        return None
    except Exception:
        logger.exception("toxicity scorer %s failed", scorer.name)
        return None
    return _valid(scorer, value)
