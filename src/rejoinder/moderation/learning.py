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

``--save`` stores the layer measured (table ``moderation_site_layers``, with its figures), off;
``--enable`` / ``--disable`` switch a stored layer on and off. The pipeline applies an enabled
layer to the comments of that site only (:class:`SiteLayers`: the layers are read once a
minute, not per comment), after the shipped model has scored them: the layer's probability
replaces the score for routing, and the shipped score is kept in the record for the desk.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from rejoinder.comments.models import comments
from rejoinder.moderation.models import comment_checks, site_layers
from rejoinder.moderation.text.features import features
from rejoinder.moderation.text.toxicity import NgramScorer, ToxicityScorer, default_scorer
from rejoinder.storage.database import Connection, Database
from rejoinder.stories.models import stories

__all__ = [
    "Decision",
    "Figures",
    "Layer",
    "Report",
    "SiteLayers",
    "compare",
    "enable_layer",
    "enabled_layers",
    "save_layer",
    "site_decisions",
    "train_layer",
]

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
    layer: Layer | None = None


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

    def adjust(self, base: float, text: str) -> float:
        """The site's probability for ``text``, which the shipped model scored ``base``."""
        return self.probability(base, features(text))

    def dumps(self) -> str:
        # Corrections that change no decision are dropped: they only make the row larger.
        weights = {f: round(w, 5) for f, w in sorted(self.weights.items()) if abs(w) >= 1e-4}
        return json.dumps(
            {
                "base_weight": round(self.base_weight, 6),
                "bias": round(self.bias, 6),
                "weights": weights,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, raw: str) -> Layer:
        data = json.loads(raw)
        weights = {str(f): float(w) for f, w in data["weights"].items()}
        return cls(float(data["base_weight"]), float(data["bias"]), weights)


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
    decisions: Sequence[Decision], threshold: float, scorer: ToxicityScorer | None = None
) -> Report:
    """Train on four fifths of the decisions and measure both models on the fifth held back.

    ``scorer`` is the model the pipeline runs (the layer corrects *its* score); the first
    stage by default."""
    base: ToxicityScorer | NgramScorer = scorer or default_scorer()
    samples = [(base.score(d.text), features(d.text), d.rejected, d.comment_id) for d in decisions]
    train = [(b, f, y) for b, f, y, i in samples if i % HOLD_OUT_EVERY]
    held = [(b, f, y) for b, f, y, i in samples if not i % HOLD_OUT_EVERY]
    layer = train_layer(train)
    actual = [y for _, _, y in held]
    shipped = _figures([b >= threshold for b, _, _ in held], actual)
    site = _figures([layer.probability(b, f) >= threshold for b, f, _ in held], actual)
    return Report(
        train=len(train), held_back=len(held), shipped=shipped, site_layer=site, layer=layer
    )


async def save_layer(db: Database, site_id: str, report: Report, now: datetime) -> None:
    """Store the layer a :func:`compare` run trained (switched off: an operator enables it)."""
    assert report.layer is not None
    row = {
        "layer": report.layer.dumps(),
        "decisions": report.train + report.held_back,
        "held_back": report.held_back,
        "precision": report.site_layer.precision,
        "recall": report.site_layer.recall,
        "shipped_precision": report.shipped.precision,
        "shipped_recall": report.shipped.recall,
        "trained_at": now,
        "updated_at": now,
    }
    async with db.transaction() as tx:
        await tx.conn.execute(delete(site_layers).where(site_layers.c.site_id == site_id))
        await tx.conn.execute(insert(site_layers).values(site_id=site_id, enabled=False, **row))


async def enable_layer(db: Database, site_id: str, *, enabled: bool, now: datetime) -> bool:
    """Switch a site's stored layer on or off; False when the site has none stored."""
    async with db.transaction() as tx:
        result = await tx.conn.execute(
            update(site_layers)
            .where(site_layers.c.site_id == site_id)
            .values(enabled=enabled, updated_at=now)
        )
        return bool(result.rowcount)


async def enabled_layers(conn: Connection) -> dict[str, Layer]:
    """Every site's layer that is switched on."""
    rows = await conn.execute(
        select(site_layers.c.site_id, site_layers.c.layer).where(site_layers.c.enabled.is_(True))
    )
    return {r.site_id: Layer.loads(r.layer) for r in rows}


class SiteLayers:
    """The pipeline's view of the enabled layers: read at most once per ``ttl`` (by the
    comment's clock), so switching a layer on or off takes effect within a minute and costs
    no query per comment."""

    def __init__(self, db: Database, ttl: timedelta = timedelta(minutes=1)) -> None:
        self.db = db
        self.ttl = ttl
        self.layers: dict[str, Layer] = {}
        self.loaded_at: datetime | None = None

    async def for_site(self, site_id: str, now: datetime) -> Layer | None:
        if self.loaded_at is None or not self.loaded_at <= now < self.loaded_at + self.ttl:
            self.layers = await self.db.run_read(enabled_layers)
            self.loaded_at = now
        return self.layers.get(site_id)

    def forget(self) -> None:
        """Read the layers again on the next comment (after a change in this process)."""
        self.loaded_at = None
