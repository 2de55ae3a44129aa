"""Toxicity scoring: the scorer contract and the embedded default model.

The default, :class:`LinearProfanityScorer`, evaluates alt-profanity-check (MIT; a
TF-IDF + calibrated linear SVM trained on English comments) from the weights that
``scripts/export_profanity_model.py`` exported, in plain Python: no scikit-learn,
no numpy, no download. :meth:`LinearProfanityScorer.probability` reproduces the
package's ``predict_prob`` to floating-point rounding (tested to 1e-9).

English only, on purpose: :meth:`LinearProfanityScorer.score` blanks out non-Latin
letters before scoring, and answers 0.0 for a comment whose letters are mostly
non-Latin (Japanese, Chinese, Korean, Cyrillic...). The model has never seen those
scripts; left alone it gives such a comment its no-evidence baseline (~0.036) or,
worse, scores a stray English word glued to Japanese text. Word lists and threat
phrases, which do cover Japanese, are the checks for those comments.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gzip
import json
import logging
import math
import re
from collections import Counter
from pathlib import Path
from typing import Protocol

from rejoinder.moderation.text.scripts import latin_part, non_latin_share

__all__ = [
    "DEFAULT_MODEL_PATH",
    "LinearProfanityScorer",
    "ToxicityScorer",
    "default_scorer",
    "score_with_timeout",
    "score_with_timeout_async",
]

logger = logging.getLogger(__name__)

DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "profanity_model.json.gz"
_MOSTLY_NON_LATIN = 0.5  # above this share of letters, the English model abstains


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


class LinearProfanityScorer:
    """alt-profanity-check's model, evaluated in plain Python (see the module docstring)."""

    __slots__ = ("_bias", "_terms", "_token", "name")

    def __init__(
        self, name: str, token_pattern: str, bias: list[float], terms: dict[str, list[float]]
    ) -> None:
        if len(bias) != 5 or any(len(row) != 6 for row in terms.values()):
            raise ValueError("expected five calibrated folds (one IDF + five weights a term)")
        self.name = name
        self._token = re.compile(token_pattern)
        self._bias = tuple(bias)
        # Tuples unpack faster than lists in the scoring loop.
        self._terms = {term: tuple(row) for term, row in terms.items()}

    @classmethod
    def load(cls, path: Path = DEFAULT_MODEL_PATH) -> LinearProfanityScorer:
        """Read an exported model (``scripts/export_profanity_model.py`` writes it)."""
        document = json.loads(gzip.decompress(path.read_bytes()))
        if document.get("format") != 1:
            raise ValueError(f"{path}: unknown model format {document.get('format')!r}")
        return cls(
            document["source"], document["token_pattern"], document["bias"], document["terms"]
        )

    def probability(self, text: str) -> float:
        """Exactly alt-profanity-check's ``predict_prob([text])[0]``, on any text."""
        sq = z0 = z1 = z2 = z3 = z4 = 0.0
        terms = self._terms
        # Same steps as sklearn's TfidfVectorizer: str.lower, the token regex, counts
        # of in-vocabulary terms (stop words are never in the vocabulary).
        for token, count in Counter(self._token.findall(text.lower())).items():
            row = terms.get(token)
            if row is None:
                continue
            idf, w0, w1, w2, w3, w4 = row
            tfidf = count * idf
            sq += tfidf * tfidf
            z0 += count * w0
            z1 += count * w1
            z2 += count * w2
            z3 += count * w3
            z4 += count * w4
        b0, b1, b2, b3, b4 = self._bias
        if sq:
            # Weights are pre-multiplied by the IDF and the calibration slope, so the
            # l2 normalisation is one division per fold.
            norm = math.sqrt(sq)
            z0, z1, z2, z3, z4 = z0 / norm, z1 / norm, z2 / norm, z3 / norm, z4 / norm
        total = _expit(z0 + b0) + _expit(z1 + b1) + _expit(z2 + b2)
        total += _expit(z3 + b3) + _expit(z4 + b4)
        return total / 5

    def score(self, text: str) -> float:
        """The model's probability on the Latin-script part; 0.0 for mostly non-Latin text."""
        if non_latin_share(text) > _MOSTLY_NON_LATIN:
            return 0.0
        return self.probability(latin_part(text))


@functools.cache
def default_scorer() -> LinearProfanityScorer:
    """The embedded model, loaded once per process (about 0.1 s)."""
    return LinearProfanityScorer.load()


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
