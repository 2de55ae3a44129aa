"""The embedded toxicity model: trained on our corpus, both languages, folded text, bounded."""

from __future__ import annotations

import ast
import json
import logging
import sys
import threading
from pathlib import Path

import pytest

from rejoinder.moderation.text import toxicity
from rejoinder.moderation.text.normalize import fold
from rejoinder.moderation.text.toxicity import (
    DEFAULT_MODEL_PATH,
    NgramScorer,
    ToxicityScorer,
    default_scorer,
    score_with_timeout,
    score_with_timeout_async,
)

THRESHOLD = 0.6  # the shipped moderation.toxicity_threshold
REPO = Path(__file__).resolve().parents[3]
DEV = REPO / "data" / "moderation" / "dev.jsonl"


@pytest.mark.parametrize(
    "text",
    [
        "You are an idiot",
        "Shut up, you pathetic loser.",
        "Muslims are vermin and should be driven out.",
        "The senator should be hanged.",
        "お前は本当にバカだな",
        "在日韓国人はゴキブリだ",
        "首相は死ね",
    ],
)
def test_abuse_scores_above_the_threshold(text: str) -> None:
    assert default_scorer().score(text) > THRESHOLD


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for a well researched article",
        "My neighbours are a gay couple and they're lovely.",
        "Gay people deserve equal rights.",
        "The defendant was found guilty of manslaughter.",
        "I completely disagree with the mayor on the budget.",
        "この記事はとても参考になりました。",
        "容疑者は殺人の疑いで逮捕された。",
        "バカンスの予定を立てています。",
    ],
)
def test_ordinary_comments_score_below_the_threshold(text: str) -> None:
    assert default_scorer().score(text) < THRESHOLD


def test_folded_text_is_scored_too() -> None:
    scorer = default_scorer()
    # "i d i o t" folds to "idiot": the higher of the two readings counts.
    spaced = "You are an i d i o t"
    assert scorer.score(spaced) >= scorer.probability(spaced)
    assert scorer.score(spaced) > THRESHOLD
    assert scorer.score_folded("plain text", "plain text") == scorer.probability("plain text")


def test_a_number_squeezed_by_folding_is_not_scored_again() -> None:
    """Folding squeezes a number's runs ("1000" becomes "100"): that spells nothing, so only
    the text as written is scored; leetspeak inside the same comment still is."""
    scorer = default_scorer()
    text = "The council spent 1000000 on the report, ref 7000."
    assert fold(text) != " ".join(text.casefold().replace(",", "").replace(".", "").split())
    assert scorer.score(text) == scorer.probability(text)
    leet = "Y0u are an 1d10t, 1000 times over"
    assert scorer.score(leet) == max(scorer.probability(leet), scorer.probability(fold(leet)))


def test_the_dev_split_is_mostly_right_at_the_threshold() -> None:
    """A floor, not the figure: docs/moderation.md has the figures per category."""
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    assert len(rows) > 800
    scorer = default_scorer()
    right = sum((scorer.score(r["text"]) > THRESHOLD) == bool(r["label"]) for r in rows)
    assert right / len(rows) > 0.85


def test_text_without_words_scores_zero() -> None:
    scorer = default_scorer()
    assert scorer.score("") == scorer.probability("!!! ...") == 0.0


def test_the_name_says_what_model_it_is() -> None:
    scorer = NgramScorer.load(DEFAULT_MODEL_PATH)
    assert scorer.name.startswith("rejoinder-ngram-lr")
    checked: ToxicityScorer = scorer
    assert checked.name == scorer.name


def test_runtime_modules_import_only_the_standard_library() -> None:
    from rejoinder.moderation.text import features

    for module in (toxicity, features):
        source = Path(str(module.__file__)).read_text(encoding="utf-8")
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert imported - {"rejoinder"} <= set(sys.stdlib_module_names)


def test_a_wrong_format_is_refused(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "model.json.gz"
    path.write_bytes(gzip.compress(b'{"format": 1}'))
    with pytest.raises(ValueError, match="unknown model format"):
        NgramScorer.load(path)


def test_the_fast_paths_score_exactly_as_the_plain_reading() -> None:
    """The scorer's speed-ups (an ASCII path for the features, the weights looked up for the
    known features only) change no score: on every dev sentence, raw and folded, the
    features are those of the general path and the probability is the plain sum over them.
    (How fast it is belongs to ``make bench-pipeline``.)"""
    import math

    from rejoinder.moderation.text import features as feats

    scorer = default_scorer()
    weights, bias = scorer._weights, scorer._bias
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    texts = [r["text"] for r in rows] + ["", "!!!", "A", "1d10t", "fuckお前", "Ａｂｃ ﬁne"]
    for text in texts + [fold(t) for t in texts]:
        found = feats.features(text)
        normalised = feats.unicodedata.normalize("NFKC", text[:2000]).casefold()
        assert found == feats._features(normalised), text
        expected = 0.0
        if found:
            z = bias + sum(weights.get(f, 0.0) for f in sorted(found)) / math.sqrt(len(found))
            expected = 1 / (1 + math.exp(-z))
        assert scorer.probability(text) == pytest.approx(expected, abs=1e-12), text


class _Stub:
    name = "stub"

    def __init__(self, value: float = 0.5, delay: float = 0.0, error: bool = False) -> None:
        self.value, self.delay, self.error = value, delay, error
        self.release = threading.Event()

    def score(self, text: str) -> float:  # noqa: ARG002 -- the stub ignores the text
        if self.delay:
            self.release.wait(self.delay)
        if self.error:
            raise RuntimeError("service down")
        return self.value


def test_score_with_timeout_passes_a_good_answer_through() -> None:
    assert score_with_timeout(_Stub(0.25), "text", 1.0) == 0.25
    assert score_with_timeout(default_scorer(), "You are an idiot", 1.0) == pytest.approx(
        default_scorer().score("You are an idiot")
    )


def test_score_with_timeout_gives_up_on_a_slow_scorer(caplog: pytest.LogCaptureFixture) -> None:
    slow = _Stub(delay=5.0)
    with caplog.at_level(logging.WARNING):
        assert score_with_timeout(slow, "text", 0.01) is None
    slow.release.set()
    assert "took longer" in caplog.text


def test_score_with_timeout_swallows_errors_and_nonsense(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert score_with_timeout(_Stub(error=True), "text", 1.0) is None
        assert score_with_timeout(_Stub(1.5), "text", 1.0) is None
        assert score_with_timeout(_Stub(float("nan")), "text", 1.0) is None
    assert "failed" in caplog.text
    assert "outside [0, 1]" in caplog.text


async def test_async_variant_has_the_same_contract() -> None:
    assert await score_with_timeout_async(_Stub(0.75), "text", 1.0) == 0.75
    slow = _Stub(delay=5.0)
    assert await score_with_timeout_async(slow, "text", 0.01) is None
    slow.release.set()
    assert await score_with_timeout_async(_Stub(error=True), "text", 1.0) is None
