"""Export the alt-profanity-check model to the plain-Python scorer's data file.

Run in a throw-away virtualenv that has the package (it pins its scikit-learn):

    python3 -m venv /tmp/modvenv
    /tmp/modvenv/bin/pip install alt-profanity-check==1.9.1
    /tmp/modvenv/bin/python scripts/export_profanity_model.py

Writes, from the repository root:

* ``src/rejoinder/moderation/text/data/profanity_model.json.gz``: per vocabulary term
  its IDF and, for each of the calibrated classifier's folds, the linear weight
  pre-multiplied by the IDF and by minus the fold's sigmoid slope; plus each fold's
  bias. Then, for a comment with in-vocabulary term counts ``c``:
  ``p = mean_k expit(sum(c * w'_k) / ||c * idf|| + b'_k)``, which is sklearn's
  ``predict_proba`` (TF-IDF with l2 norm, LinearSVC decision, sigmoid calibration
  ``expit(-(a_k * d + b_k))``, mean over folds) regrouped, not approximated;
* ``.../data/PROFANITY_MODEL_LICENSE.txt``: the package's MIT notice;
* ``tests/moderation/text/data/profanity_reference.json``: texts and the
  probabilities sklearn gives them, which the tests compare against.

The script checks every vectoriser and classifier setting the runtime relies on, and
fails rather than export a model the runtime would compute differently.
"""

from __future__ import annotations

import gzip
import importlib
import importlib.metadata
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "rejoinder" / "moderation" / "text" / "data"
REFERENCE = ROOT / "tests" / "moderation" / "text" / "data" / "profanity_reference.json"
WORD_PATTERN = r"(?u)\b\w\w+\b"  # the runtime tokenises with exactly this

HANDWRITTEN = [
    "",
    "   ",
    "ok",
    "Great article, thanks for writing it.",
    "The council should publish the budget before the vote.",
    "You are an idiot and so is everyone who agrees with you.",
    "What a load of shit.",
    "fuck you",
    "Fuck! Fuck! FUCK!",
    "f u c k this",
    "sh1t article",
    "This is a damn good piece of reporting.",
    "Stupid, stupid, stupid decision by the mayor.",
    "go to hell",
    "I will kill you",
    "Kill the bill!",
    "The war killed thousands of civilians.",
    "Shut up, moron.",
    "Muslims and Jews live side by side in this neighbourhood.",
    "He is gay and proud of it.",
    "お前は死ねばいい",
    "この記事はとても参考になりました。",
    "fuckお前",
    "Café au lait, naïve résumé, Pokémon, José.",
    "Привет, как дела? Idiot.",
    "ASSHOLE",
    "a$$hole",
    "the the the the the",
    "bitch bitch bitch bitch bitch bitch bitch bitch bitch",
    "Nobody asked for your opinion, loser.",
    "Dick's Sporting Goods opened a store in Scunthorpe.",
    "Essex cockpit assassin class",
    "12345 67890",
    "wtf lol omg",
    "The minister's so-called reforms are a disgrace: pathetic, lazy and dishonest.",
    "You people make me sick.",
    "What an insightful comment, I fully agree with the author.",
    "Well said.",
    "This is garbage journalism written by a hack.",
    "Dumbass.",
]


def _check(vectorizer: Any, model: Any) -> None:
    params = vectorizer.get_params()
    expected = {
        "analyzer": "word",
        "binary": False,
        "lowercase": True,
        "ngram_range": (1, 1),
        "norm": "l2",
        "preprocessor": None,
        "smooth_idf": True,
        "strip_accents": None,
        "sublinear_tf": False,
        "token_pattern": WORD_PATTERN,
        "tokenizer": None,
        "use_idf": True,
        "input": "content",
    }
    for key, value in expected.items():
        if params[key] != value:
            sys.exit(f"vectorizer {key}={params[key]!r}, the runtime assumes {value!r}")
    text_module = importlib.import_module("sklearn.feature_extraction.text")
    stop = params["stop_words"]
    stop_words = text_module.ENGLISH_STOP_WORDS if stop == "english" else frozenset(stop or ())
    if stop_words & set(vectorizer.vocabulary_):
        # Stop words are dropped before the vocabulary lookup; the runtime ignores
        # them only because none can be in the vocabulary.
        sys.exit("a stop word is in the vocabulary")
    if type(model).__name__ != "CalibratedClassifierCV" or model.method != "sigmoid":
        sys.exit("expected CalibratedClassifierCV(method='sigmoid')")
    if list(model.classes_) != [0, 1]:
        sys.exit(f"expected classes [0, 1], got {model.classes_}")
    for fold in model.calibrated_classifiers_:
        estimator = fold.estimator
        if type(estimator).__name__ != "LinearSVC" or estimator.coef_.shape[0] != 1:
            sys.exit("expected binary LinearSVC folds")
        if len(fold.calibrators) != 1 or type(fold.calibrators[0]).__name__ != (
            "_SigmoidCalibration"
        ):
            sys.exit("expected one sigmoid calibrator per fold")


def _export(vectorizer: Any, model: Any, version: str, sklearn_version: str) -> None:
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    idf = vectorizer.idf_
    folds = model.calibrated_classifiers_
    slopes = [float(f.calibrators[0].a_) for f in folds]
    offsets = [float(f.calibrators[0].b_) for f in folds]
    weights = [f.estimator.coef_[0] for f in folds]
    intercepts = [float(f.estimator.intercept_[0]) for f in folds]
    terms = {}
    for term in sorted(vocabulary):
        j = vocabulary[term]
        row = [float(idf[j])]
        row += [float(-a * w[j] * idf[j]) for a, w in zip(slopes, weights, strict=True)]
        terms[term] = row
    document = {
        "format": 1,
        "source": f"alt-profanity-check {version} (scikit-learn {sklearn_version})",
        "token_pattern": WORD_PATTERN,
        "folds": len(folds),
        "bias": [-(a * c + b) for a, c, b in zip(slopes, intercepts, offsets, strict=True)],
        "terms": terms,
    }
    raw = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    with gzip.GzipFile(DATA / "profanity_model.json.gz", "wb", compresslevel=9, mtime=0) as out:
        out.write(raw)


def _license(version: str) -> None:
    dist = importlib.metadata.distribution("alt-profanity-check")
    text = None
    for name in ("licenses/LICENSE", "LICENSE"):
        text = dist.read_text(name)
        if text:
            break
    if not text:
        sys.exit("alt-profanity-check ships no LICENSE file in its metadata")
    header = (
        f"profanity_model.json.gz is derived from alt-profanity-check {version}"
        " (https://github.com/dimitrismistriotis/alt-profanity-check):\n"
        "its TfidfVectorizer vocabulary and IDF weights and its CalibratedClassifierCV\n"
        "(LinearSVC weights, sigmoid calibration) were exported by\n"
        "scripts/export_profanity_model.py. The model's licence follows.\n\n"
    )
    (DATA / "PROFANITY_MODEL_LICENSE.txt").write_text(header + text.strip() + "\n")


def _reference_texts(vocabulary: dict[str, int], coef: Any) -> list[str]:
    rng = random.Random(1234)  # noqa: S311 -- a reproducible sample, not a secret
    terms = sorted(vocabulary)
    strongest = sorted(terms, key=lambda t: -coef[vocabulary[t]])[:300]
    filler = ["the", "and", "you", "zzqx", "article", "I", "think", "is", "a", "very"]
    texts = list(HANDWRITTEN)
    while len(texts) < 200:
        n = rng.randint(1, 40)
        words = [
            rng.choice(strongest)
            if rng.random() < 0.15
            else rng.choice(terms)
            if rng.random() < 0.7
            else rng.choice(filler)
            for _ in range(n)
        ]
        words = [w.upper() if rng.random() < 0.1 else w for w in words]
        seps = [rng.choice([" ", " ", ", ", ". ", "! ", "\n", " - "]) for _ in words]
        texts.append("".join(w + s for w, s in zip(words, seps, strict=True)).strip())
    return texts


def main() -> None:
    # Imported by name: these live only in the export virtualenv, not the project's.
    profanity_check = importlib.import_module("profanity_check.profanity_check")
    sklearn_version = importlib.metadata.version("scikit-learn")

    vectorizer, model = profanity_check.vectorizer, profanity_check.model
    version = importlib.metadata.version("alt-profanity-check")
    _check(vectorizer, model)
    DATA.mkdir(parents=True, exist_ok=True)
    _export(vectorizer, model, version, sklearn_version)
    _license(version)
    coef = sum(f.estimator.coef_[0] for f in model.calibrated_classifiers_)
    texts = _reference_texts(vectorizer.vocabulary_, coef)
    probabilities = profanity_check.predict_prob(texts)
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    REFERENCE.write_text(
        json.dumps(
            {
                "source": f"alt-profanity-check {version} (scikit-learn {sklearn_version})",
                "cases": [[t, float(p)] for t, p in zip(texts, probabilities, strict=True)],
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n"
    )
    size = (DATA / "profanity_model.json.gz").stat().st_size
    print(
        f"exported {len(vectorizer.vocabulary_)} terms, {len(model.calibrated_classifiers_)} "
        f"folds: {size:,} bytes; {len(texts)} reference cases"
    )


if __name__ == "__main__":
    main()
