"""``make eval-moderation``: the pipeline's decisions on the dev split, by category and language.

Every dev comment goes through the same phases and scorer as production, at the configured
thresholds (the shipped defaults unless ``REJOINDER_CONFIG`` says otherwise), as a reader with
no history: no repeats, no sanctions, no earlier nudge. The outcomes:

* **held**: pending for a moderator, or nudged (asked to rephrase; sent again, it is held);
* **flagged**: published and marked for the desk (quoted threats in reports);
* **published**.

An abusive comment is *caught* when held; a civil one is *right* when not held (flagged counts
as right: the public sees it). The identity table is the fairness check: neutral sentences
about each group (``data/moderation/identity.jsonl``, never trained on), false-hold rate per
group.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rejoinder.comments.decisions import ModerationContext
from rejoinder.kernel.errors import RejoinderError
from rejoinder.moderation.phases.base import Facts
from rejoinder.moderation.pipeline import Pipeline, build_phases, pick_scorer
from rejoinder.moderation.second_stage import uncounted
from rejoinder.moderation.text.embedding import embed
from rejoinder.moderation.text.toxicity import CascadeScorer

if TYPE_CHECKING:
    from rejoinder.settings import Settings

DATA_DIR = Path("data/moderation")


class OfflinePipeline(Pipeline):
    """The pipeline with an empty history instead of a database."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.scorer = pick_scorer(settings)
        self._scoring = None
        self.second_stage_counted = uncounted
        self.phases = build_phases(settings)
        self.layers = None  # the shipped model alone: no site has decided anything here

    async def facts(self, ctx: ModerationContext, digest: str) -> Facts:  # noqa: ARG002 -- no history
        return Facts()

    async def _remember_nudge(  # overrides the database write
        self,
        ctx: ModerationContext,  # noqa: ARG002 -- nothing is remembered offline
        digest: str,  # noqa: ARG002
        score: float,  # noqa: ARG002
    ) -> None:
        return None


class SheddingPipeline(OfflinePipeline):
    """As if the encoder's queue were always over its budget: every comment in the band is
    shed and decided by the first stage alone (``--shed-all``: what a busy machine costs)."""

    async def score(self, text: str, folded: str) -> float | None:
        cascade = self.scorer
        if not isinstance(cascade, CascadeScorer):
            return await super().score(text, folded)
        first = cascade.first.score_folded(text, folded)
        return first if cascade.settled(first, text) else cascade.alone(first, text)


def _context(text: str) -> ModerationContext:
    return ModerationContext(
        site_id="eval",
        story_id=1,
        story_key="eval",
        story_premoderated=False,
        account_id=1,
        author_role="commenter",
        author_status="active",
        plan_id="premium",
        body=text,
        body_html=text,
        parent_id=None,
        comment_id=None,
        previous_body=None,
        client="eval",
        now=datetime(2026, 12, 1, 12, tzinfo=UTC),
    )


async def outcome(pipeline: OfflinePipeline, text: str) -> str:
    """``held``, ``flagged`` or ``published`` for one comment."""
    try:
        decision = await pipeline.decide(_context(text))
    except RejoinderError as error:
        return "held" if error.code == "comment_nudged" else "refused"
    if decision.status != "published":
        return "held"
    detail = json.loads(decision.detail or "{}")
    return "flagged" if detail.get("flagged") else "published"


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


async def evaluate(
    settings: Settings, rows: Iterable[dict[str, object]], *, shed_all: bool = False
) -> list[dict[str, str]]:
    """One outcome per row, with the row's label, category, language (and group, if any)."""
    pipeline = SheddingPipeline(settings) if shed_all else OfflinePipeline(settings)
    if isinstance(pipeline.scorer, CascadeScorer):
        embed(["warm up"])  # load the encoder now, not inside the first comment's timeout
    results = []
    for row in rows:
        text = str(row["text"])
        results.append(
            {
                "label": str(row["label"]),
                "category": str(row["category"]),
                "lang": str(row["lang"]),
                "group": str(row.get("group", "")),
                "outcome": await outcome(pipeline, text),
                "text": text,
            }
        )
    return results


def report(results: list[dict[str, str]], identity: list[dict[str, str]]) -> str:
    lines = [
        "| language | category | kind | n | held | flagged | right |",
        "|---|---|---|---|---|---|---|",
    ]
    by: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in results:
        by[(r["lang"], r["category"], "abusive" if r["label"] == "1" else "civil")].append(
            r["outcome"]
        )
    for (lang, category, kind), outcomes in sorted(
        by.items(), key=lambda kv: (kv[0][0], kv[0][2], kv[0][1])
    ):
        held = outcomes.count("held")
        flagged = outcomes.count("flagged")
        right = held if kind == "abusive" else len(outcomes) - held
        lines.append(
            f"| {lang} | {category} | {kind} | {len(outcomes)} | {_pct(held, len(outcomes))} "
            f"| {_pct(flagged, len(outcomes))} | {_pct(right, len(outcomes))} |"
        )
    lines += [
        "",
        "| language | abusive held (recall) | civil held (false holds) | accuracy |",
        "|---|---|---|---|",
    ]
    for lang in [*sorted({r["lang"] for r in results}), "all"]:
        rows = [r for r in results if lang in {"all", r["lang"]}]
        toxic = [r for r in rows if r["label"] == "1"]
        civil = [r for r in rows if r["label"] == "0"]
        caught = sum(r["outcome"] == "held" for r in toxic)
        false = sum(r["outcome"] == "held" for r in civil)
        lines.append(
            f"| {lang} | {caught}/{len(toxic)} ({_pct(caught, len(toxic))}) "
            f"| {false}/{len(civil)} ({_pct(false, len(civil))}) "
            f"| {_pct(caught + len(civil) - false, len(rows))} |"
        )
    if identity:
        lines += ["", "| group (neutral mentions) | n | false holds |", "|---|---|---|"]
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for r in identity:
            groups[(r["lang"], r["group"])].append(r["outcome"])
        worst = 0.0
        for (lang, group), outcomes in sorted(groups.items()):
            held = outcomes.count("held")
            worst = max(worst, held / len(outcomes))
            lines.append(f"| {lang}: {group} | {len(outcomes)} | {_pct(held, len(outcomes))} |")
        lines.append(f"\nworst group: {100 * worst:.1f}% false holds")
    return "\n".join(lines) + "\n"


OLDER_SET = Path("tests/moderation/text/data/eval_set.tsv")


def _older_set() -> list[dict[str, object]]:
    """The 305 sentences written before this model by other hands (never trained on)."""
    if not OLDER_SET.exists():
        return []
    with OLDER_SET.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            {
                "text": r["text"],
                "label": r["label"],
                "category": r["kind"],
                "lang": "ja" if r["kind"].startswith("japanese") else "en",
            }
            for r in rows
        ]


def main(argv: list[str] | None = None) -> int:
    from rejoinder.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    parser.add_argument("--errors", action="store_true", help="also list every wrong outcome")
    parser.add_argument(
        "--shed-all",
        action="store_true",
        help="the first stage decides the band too, as when the encoder is always over budget",
    )
    args = parser.parse_args(argv)
    shed = args.shed_all
    settings = load_settings()
    # The model's verdicts, not the machine's load: the encoder gets all the time it needs
    # here (``make bench-pipeline`` measures what happens at the production timeout).
    settings.moderation.toxicity_timeout_ms = 60_000
    results = asyncio.run(evaluate(settings, read_jsonl(args.data / "dev.jsonl"), shed_all=shed))
    identity_path = args.data / "identity.jsonl"
    identity = (
        asyncio.run(evaluate(settings, read_jsonl(identity_path), shed_all=shed))
        if identity_path.exists()
        else []
    )
    sys.stdout.write(report(results, identity))
    short_path = args.data / "short.jsonl"
    if short_path.exists():
        sys.stdout.write(
            "\nShort comments (data/moderation/short.jsonl: a few words, never trained on):\n\n"
        )
        short = asyncio.run(evaluate(settings, read_jsonl(short_path), shed_all=shed))
        sys.stdout.write(report(short, []))
    older = _older_set()
    if older:
        sys.stdout.write(
            "\nThe older evaluation set (tests/moderation/text/data/eval_set.tsv):\n\n"
        )
        sys.stdout.write(report(asyncio.run(evaluate(settings, older, shed_all=shed)), []))
    wild_path = args.data / "wild.jsonl"
    wild = []
    if wild_path.exists():
        wild = asyncio.run(evaluate(settings, read_jsonl(wild_path), shed_all=shed))
        sys.stdout.write(
            "\nFree-form comments (data/moderation/wild.jsonl: written as readers write, "
            "never trained on):\n\n"
        )
        sys.stdout.write(report(wild, []))
    if args.errors:
        for r in results + identity + wild:
            wrong = (r["outcome"] == "held") != (r["label"] == "1")
            if wrong:
                sys.stdout.write(
                    f"{r['label']} {r['category']:<22} {r['outcome']:<9} {r['text']}\n"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
