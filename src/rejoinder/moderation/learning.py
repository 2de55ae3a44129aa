"""Learning from the desk: a per-site layer trained on the site's own moderators' decisions.

``rejoinder moderation retrain --site S`` reads the comments of site S that a moderator
approved or rejected, holds back every fifth (by comment id), trains a small logistic layer
on the rest, and prints precision and recall on the held-back decisions next to the shipped
model's, so an operator can see whether the site's own layer would do better *before*
switching anything on.

The layer reads the same features as the model's first stage (:mod:`.text.features`) plus the
shipped model's own logit, so with few decisions it stays close to the shipped model and
moves only where the site's moderators consistently disagree with it. Training is plain
Python (a few hundred passes of gradient descent over sparse features): no extra dependency.

Not done yet: storing the trained layer and applying it in the pipeline (the switch).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from rejoinder.comments.models import comments
from rejoinder.moderation.models import comment_checks
from rejoinder.moderation.text.features import features
from rejoinder.moderation.text.toxicity import NgramScorer, default_scorer
from rejoinder.storage.database import Connection
from rejoinder.stories.models import stories

__all__ = ["Decision", "Figures", "Report", "compare", "site_decisions", "train_layer"]

HOLD_OUT_EVERY = 5
EPOCHS = 200
RATE = 0.5
L2 = 1e-3


@dataclass(frozen=True, slots=True)
class Decision:
    comment_id: int
    text: str
    rejected: bool = False


@dataclass(frozen=True, slots=True)
class Figures:
    precision: float
    recall: float
    n: int


@dataclass(frozen=True, slots=True)
class Report:
    train: int
    held_back: int
    shipped: Figures
    site_layer: Figures


async def site_decisions(conn: Connection, site_id: str) -> list[Decision]:
    """The site's comments a moderator reviewed: rejected (1) or approved and published (0)."""
    rows = await conn.execute(
        select(comments.c.id, comments.c.body, comments.c.status)
        .select_from(
            comments.join(stories, stories.c.id == comments.c.story_id).join(
                comment_checks, comment_checks.c.comment_id == comments.c.id
            )
        )
        .where(
            stories.c.site_id == site_id,
            comment_checks.c.reviewed_at.is_not(None),
            comments.c.status.in_(["published", "rejected"]),
            comments.c.deleted_at.is_(None),
        )
        .order_by(comments.c.id)
    )
    return [Decision(r.id, r.body, rejected=r.status == "rejected") for r in rows if r.body]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _expit(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


@dataclass(slots=True)
class Layer:
    """The site's layer: a weight on the shipped logit, a bias, and per-feature corrections."""

    base_weight: float
    bias: float
    weights: dict[str, float]

    def probability(self, base: float, feats: set[str]) -> float:
        z = self.base_weight * _logit(base) + self.bias
        z += sum(self.weights.get(f, 0.0) for f in feats) / math.sqrt(max(len(feats), 1))
        return _expit(z)


def train_layer(samples: Sequence[tuple[float, set[str], bool]], epochs: int = EPOCHS) -> Layer:
    """Gradient descent from the shipped model (weight 1 on its logit, no corrections)."""
    layer = Layer(1.0, 0.0, {})
    n = max(len(samples), 1)
    for _ in range(epochs):
        grad_base = grad_bias = 0.0
        grads: dict[str, float] = {}
        for base, feats, label in samples:
            error = layer.probability(base, feats) - float(label)
            grad_base += error * _logit(base)
            grad_bias += error
            scale = error / math.sqrt(max(len(feats), 1))
            for f in feats:
                grads[f] = grads.get(f, 0.0) + scale
        layer.base_weight -= RATE * grad_base / n
        layer.bias -= RATE * grad_bias / n
        for f, g in grads.items():
            w = layer.weights.get(f, 0.0)
            layer.weights[f] = w - RATE * (g / n + L2 * w)
    return layer


def _figures(predicted: list[bool], actual: list[bool]) -> Figures:
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    fp = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    fn = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return Figures(precision, recall, len(actual))


def compare(
    decisions: Sequence[Decision], threshold: float, scorer: NgramScorer | None = None
) -> Report:
    """Train on four fifths of the decisions and measure both models on the fifth held back."""
    scorer = scorer or default_scorer()
    samples = [
        (scorer.score(d.text), features(d.text), d.rejected, d.comment_id) for d in decisions
    ]
    train = [(b, f, y) for b, f, y, i in samples if i % HOLD_OUT_EVERY]
    held = [(b, f, y) for b, f, y, i in samples if not i % HOLD_OUT_EVERY]
    layer = train_layer(train)
    actual = [y for _, _, y in held]
    shipped = _figures([b >= threshold for b, _, _ in held], actual)
    site = _figures([layer.probability(b, f) >= threshold for b, f, _ in held], actual)
    return Report(train=len(train), held_back=len(held), shipped=shipped, site_layer=site)
