"""Properties the hand-written evaluation set must keep (see docs/moderation-evaluation.md)."""

from __future__ import annotations

import csv
from pathlib import Path

from rejoinder.moderation.text.threats import find_threats
from rejoinder.moderation.text.toxicity import default_scorer

EVAL_SET = Path(__file__).parent / "data" / "eval_set.tsv"


def _rows() -> list[dict[str, str]]:
    with EVAL_SET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def test_the_set_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 300
    assert {r["label"] for r in rows} == {"0", "1"}
    kinds = {r["kind"]: r["label"] for r in rows}
    assert kinds["japanese_benign"] == kinds["hard_negative"] == kinds["identity_neutral"] == "0"
    assert kinds["threat"] == kinds["obfuscated"] == kinds["japanese_toxic"] == "1"
    texts = [r["text"] for r in rows]
    assert len(set(texts)) == len(texts)


def test_japanese_benign_comments_score_below_the_threshold() -> None:
    """The model reads Japanese now (it used to abstain with 0.0): none of these is held."""
    scorer = default_scorer()
    japanese = [r["text"] for r in _rows() if r["kind"] == "japanese_benign"]
    assert len(japanese) >= 20
    assert [text for text in japanese if scorer.score(text) >= 0.6] == []


def test_no_hard_negative_triggers_a_threat_phrase() -> None:
    hard = [r["text"] for r in _rows() if r["kind"] == "hard_negative"]
    assert len(hard) >= 30
    assert {text: find_threats(text) for text in hard} == {text: [] for text in hard}
