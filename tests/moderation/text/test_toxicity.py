"""The embedded toxicity model: exact against scikit-learn, English only, bounded."""

from __future__ import annotations

import ast
import json
import logging
import sys
import threading
import time
from pathlib import Path

import pytest

from rejoinder.moderation.text import toxicity
from rejoinder.moderation.text.toxicity import (
    DEFAULT_MODEL_PATH,
    LinearProfanityScorer,
    ToxicityScorer,
    default_scorer,
    score_with_timeout,
    score_with_timeout_async,
)

REFERENCE = Path(__file__).parent / "data" / "profanity_reference.json"
CASES: list[list[object]] = json.loads(REFERENCE.read_text(encoding="utf-8"))["cases"]


def test_probability_matches_scikit_learn_exactly() -> None:
    """The reference file holds alt-profanity-check's own predict_prob outputs."""
    scorer = default_scorer()
    assert len(CASES) >= 200
    worst = max(abs(scorer.probability(str(text)) - float(str(p))) for text, p in CASES)
    assert worst < 1e-9


def test_reference_cases_span_the_range() -> None:
    probabilities = [float(str(p)) for _, p in CASES]
    assert min(probabilities) < 0.01
    assert max(probabilities) > 0.99
    assert 50 < sum(p > 0.5 for p in probabilities) < 150


def test_score_is_the_probability_for_latin_text() -> None:
    scorer = default_scorer()
    for text, _ in CASES:
        if str(text).isascii():
            assert scorer.score(str(text)) == scorer.probability(str(text))
    assert scorer.score("You are an idiot") > 0.9
    assert scorer.score("Thank you for a well researched article") < 0.1


@pytest.mark.parametrize(
    "text",
    [
        "お前は死ねばいい",
        "この記事はとても参考になりました。",
        "とても良い記事でした。Thanks!",  # mostly Japanese: the English words do not count
        "Привет, как дела?",
        "这篇文章写得很好",
    ],
)
def test_mostly_non_latin_text_scores_zero(text: str) -> None:
    assert default_scorer().score(text) == 0.0


def test_english_glued_to_japanese_is_scored_on_its_own() -> None:
    scorer = default_scorer()
    # sklearn's \w would read "fuckお前" as one unknown token and see nothing.
    assert scorer.probability("What an idiotお前") < 0.05
    assert scorer.score("What an idiotお前") == scorer.probability("What an idiot  ") > 0.9


def test_empty_text_gets_the_model_baseline() -> None:
    scorer = default_scorer()
    assert scorer.score("") == scorer.probability("zzqx") == pytest.approx(0.0364, abs=1e-4)


def test_the_name_says_what_model_it_is() -> None:
    scorer = LinearProfanityScorer.load(DEFAULT_MODEL_PATH)
    assert scorer.name.startswith("alt-profanity-check 1.9.1")
    checked: ToxicityScorer = scorer
    assert checked.name == scorer.name


def test_runtime_module_imports_only_the_standard_library() -> None:
    source = Path(toxicity.__file__).read_text(encoding="utf-8")
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
    path.write_bytes(gzip.compress(b'{"format": 2}'))
    with pytest.raises(ValueError, match="unknown model format"):
        LinearProfanityScorer.load(path)


def test_throughput() -> None:
    scorer = default_scorer()
    texts = [str(text) for text, _ in CASES]
    start = time.perf_counter()
    for text in texts * 5:
        scorer.score(text)
    per_second = len(texts) * 5 / (time.perf_counter() - start)
    assert per_second > 5_000  # ~90,000/s here on these (~130-character) texts


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
