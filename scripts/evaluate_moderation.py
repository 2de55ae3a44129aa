"""Measure the text checks on the hand-written evaluation set; print Markdown tables.

    python scripts/evaluate_moderation.py [path/to/eval_set.tsv]

Two systems are measured on ``tests/moderation/text/data/eval_set.tsv``
(``label<TAB>kind<TAB>text``, label 1 = should be held):

* **scorer**: the embedded toxicity model alone, held when its score is above a
  threshold;
* **combined**: held when a threat phrase or a suspect word matches, *or* the score
  is above a threshold.

Each threshold is the lowest that holds at most 2% of the benign comments (for the
combined system, counting the benign comments the phrase and word rules already
hold). AUC is the Mann-Whitney probability that a toxic comment outranks a benign
one (ties count half); the combined system ranks rule matches above every score.
"""

from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from rejoinder.moderation.text.threats import ThreatPhrases  # noqa: E402
from rejoinder.moderation.text.toxicity import default_scorer  # noqa: E402
from rejoinder.moderation.text.wordlist import default_suspect_words  # noqa: E402

EVAL_SET = ROOT / "tests" / "moderation" / "text" / "data" / "eval_set.tsv"
MAX_FALSE_HOLDS = 0.02


@dataclass(frozen=True, slots=True)
class Row:
    toxic: bool
    kind: str
    text: str
    score: float
    threat: bool
    suspect: bool

    @property
    def rule(self) -> bool:
        return self.threat or self.suspect


def load(path: Path) -> list[Row]:
    scorer, threats, suspect = default_scorer(), ThreatPhrases(), default_suspect_words()
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            text = record["text"]
            rows.append(
                Row(
                    record["label"] == "1",
                    record["kind"],
                    text,
                    scorer.score(text),
                    bool(threats.find(text)),
                    suspect.contains_any(text),
                )
            )
    return rows


def auc(positives: list[float], negatives: list[float]) -> float:
    """Mann-Whitney U / (n_pos * n_neg), with average ranks for ties."""
    ranked = sorted([(v, 1) for v in positives] + [(v, 0) for v in negatives])
    rank_sum = 0.0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        average_rank = (i + 1 + j) / 2  # ranks i+1..j share their mean
        rank_sum += average_rank * sum(label for _, label in ranked[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def threshold(benign_scores: list[float], allowed: int) -> float:
    """Hold when score > this: at most ``allowed`` of ``benign_scores`` are above it."""
    if allowed < 0:
        return math.inf
    ordered = sorted(benign_scores, reverse=True)
    return ordered[allowed] if allowed < len(ordered) else -math.inf


def evaluate(rows: list[Row]) -> str:
    benign = [r for r in rows if not r.toxic]
    toxic = [r for r in rows if r.toxic]
    allowed = math.floor(MAX_FALSE_HOLDS * len(benign))
    t_scorer = threshold([r.score for r in benign], allowed)
    ruled_benign = sum(r.rule for r in benign)
    t_budget = threshold([r.score for r in benign if not r.rule], allowed - ruled_benign)

    def held_scorer(r: Row) -> bool:
        return r.score > t_scorer

    def held_combined(r: Row) -> bool:  # the rules, plus the scorer at its own threshold
        return r.rule or r.score > t_scorer

    def held_budget(r: Row) -> bool:  # the rules, plus the scorer within what is left
        return r.rule or r.score > t_budget

    def rate(items: list[Row], held: Callable[[Row], bool]) -> str:
        hits = sum(held(r) for r in items)
        return f"{hits}/{len(items)} ({hits / len(items):.0%})"

    auc_scorer = auc([r.score for r in toxic], [r.score for r in benign])
    auc_combined = auc([r.score + r.rule for r in toxic], [r.score + r.rule for r in benign])
    budget = (
        f"infeasible: the rules alone hold {ruled_benign}"
        if math.isinf(t_budget)
        else f"{rate(toxic, held_budget)} at score > {t_budget:.4f}"
    )
    lines = [
        (
            f"Set: {len(rows)} comments, {len(toxic)} toxic, {len(benign)} benign. "
            f"Budget: {allowed} false holds ({MAX_FALSE_HOLDS:.0%} of benign)."
        ),
        "",
        "| | scorer alone | scorer OR threat phrase OR suspect word |",
        "|---|---|---|",
        f"| AUC | {auc_scorer:.3f} | {auc_combined:.3f} |",
        f"| score threshold (hold when above) | {t_scorer:.4f} | {t_scorer:.4f} (same) |",
        f"| recall (toxic held) | {rate(toxic, held_scorer)} | {rate(toxic, held_combined)} |",
        (
            f"| false holds (benign held) | {rate(benign, held_scorer)} | "
            f"{rate(benign, held_combined)} |"
        ),
        (
            f"| recall within the {MAX_FALSE_HOLDS:.0%} budget | {rate(toxic, held_scorer)} | "
            f"{budget} |"
        ),
        "",
        "| kind | label | n | scorer | threat phrase | suspect word | combined |",
        "|---|---|---|---|---|---|---|",
    ]
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_kind[r.kind].append(r)
    for kind, items in sorted(by_kind.items(), key=lambda kv: (not kv[1][0].toxic, kv[0])):
        lines.append(
            f"| {kind} | {'toxic' if items[0].toxic else 'benign'} | {len(items)} "
            f"| {rate(items, held_scorer)} | {rate(items, lambda r: r.threat)} "
            f"| {rate(items, lambda r: r.suspect)} | {rate(items, held_combined)} |"
        )
    lines += [
        "",
        (
            "Per kind: the share held (recall on toxic kinds, false holds on benign ones); "
            f"the scorer at its threshold {t_scorer:.4f}."
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else EVAL_SET
    print(evaluate(load(path)))


if __name__ == "__main__":
    main()
