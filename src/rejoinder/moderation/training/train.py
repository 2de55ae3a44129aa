"""``make model``: write the corpus to data/moderation/, train the model, export its weights.

Run as ``python -m rejoinder.moderation.training.train`` from the repository root (it needs the
``train`` extra: scikit-learn). Deterministic: the corpus has a fixed seed, liblinear is
deterministic for a fixed random_state, and the gzip header carries no time stamp.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
from pathlib import Path

from rejoinder.moderation.text.embedding import DEFAULT_HEAD_PATH
from rejoinder.moderation.text.features import features
from rejoinder.moderation.text.toxicity import DEFAULT_MODEL_PATH, MODEL_FORMAT
from rejoinder.moderation.training.corpus import Example, build, identity_set

DATA_DIR = Path("data/moderation")
C = 8.0  # inverse regularisation, chosen on the train split by 5-fold cross-validation
HEAD_C = 10.0  # the embedding head's inverse regularisation (1, 10, 100 tried on train folds)
PRUNE = 1e-3  # weights smaller than this change no decision; dropping them halves the file


def write_jsonl(path: Path, examples: list[Example]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for e in examples:
            row = {"text": e.text, "label": e.label, "category": e.category, "lang": e.lang}
            out.write(json.dumps(row | {"template": e.template}, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def train(rows: list[dict[str, object]]) -> tuple[float, dict[str, float]]:
    """Logistic regression on l2-normalised binary features; returns (bias, weights)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    vocab: dict[str, int] = {}
    indptr, indices, values = [0], [], []
    for row in rows:
        feats = sorted(features(str(row["text"])))
        scale = 1.0 / max(len(feats), 1) ** 0.5
        for f in feats:
            indices.append(vocab.setdefault(f, len(vocab)))
            values.append(scale)
        indptr.append(len(indices))
    x = csr_matrix((values, indices, indptr), shape=(len(rows), len(vocab)))
    y = np.array([int(str(row["label"])) for row in rows])
    model = LogisticRegression(
        C=C, solver="liblinear", class_weight="balanced", random_state=0, max_iter=1000
    )
    model.fit(x, y)
    coef = model.coef_[0]
    names = sorted(vocab, key=vocab.__getitem__)
    weights = {
        name: round(float(coef[i]), 4) for i, name in enumerate(names) if abs(coef[i]) >= PRUNE
    }
    return float(model.intercept_[0]), weights


def train_head(rows: list[dict[str, object]]) -> tuple[float, list[float]]:
    """Logistic regression on the sentence embeddings of the second stage."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    os.environ.setdefault("REJOINDER_ENCODER_THREADS", "2")  # training may use both cores
    from rejoinder.moderation.text.embedding import embed

    x = embed([str(row["text"]) for row in rows])
    y = np.array([int(str(row["label"])) for row in rows])
    model = LogisticRegression(C=HEAD_C, class_weight="balanced", max_iter=5000)
    model.fit(x, y)
    return float(model.intercept_[0]), [round(float(w), 6) for w in model.coef_[0]]


def export_head(path: Path, bias: float, weights: list[float], n_train: int) -> None:
    from rejoinder.moderation.text.embedding import ENCODER_NAME, HEAD_FORMAT

    document = {
        "format": HEAD_FORMAT,
        "name": f"rejoinder-e5-head-1 ({n_train} examples, en+ja)",
        "encoder": ENCODER_NAME,
        "bias": round(bias, 6),
        "weights": weights,
    }
    path.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")


def export(path: Path, bias: float, weights: dict[str, float], n_train: int) -> None:
    document = {
        "format": MODEL_FORMAT,
        "name": f"rejoinder-ngram-lr-1 ({n_train} examples, en+ja)",
        "bias": round(bias, 6),
        "weights": dict(sorted(weights.items())),
    }
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
    parser.add_argument("--head-out", type=Path, default=DEFAULT_HEAD_PATH)
    parser.add_argument(
        "--no-head", action="store_true", help="skip the embedding head (a few minutes)"
    )
    args = parser.parse_args(argv)
    examples = build()
    write_jsonl(args.data / "train.jsonl", [e for e in examples if e.split == "train"])
    write_jsonl(args.data / "dev.jsonl", [e for e in examples if e.split == "dev"])
    with (args.data / "identity.jsonl").open("w", encoding="utf-8") as out:
        for row in identity_set():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    rows = read_jsonl(args.data / "train.jsonl")
    bias, weights = train(rows)
    export(args.out, bias, weights, len(rows))
    if not args.no_head:
        head_bias, head_weights = train_head(rows)
        export_head(args.head_out, head_bias, head_weights, len(rows))
    dev = len(examples) - len(rows)
    sys.stdout.write(
        f"corpus: {len(examples)} examples ({len(rows)} train, {dev} dev); "
        f"model: {len(weights)} weights -> {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
