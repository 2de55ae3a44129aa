"""Comments per second accepted through the FULL moderation pipeline, one process, SQLite.

    python bench/pipeline_bench.py [--comments 3000] [--concurrency 16]

Every comment takes the real write path (``comments.service.create_comment``: plan gate,
rendering, the pipeline with every phase and the toxicity model, the insert, the events and
the check record) on a fresh migrated SQLite file, in this one process. Also printed: the
pipeline alone (``decide``, no insert), and word-list matching with 10,000 entries (the
pipeline's banned words, so the cost of a big operator list shows up end to end).
Target (PRODUCT.md §5): >= 500 comments/s accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test factories

from rejoinder.app import create_runtime
from rejoinder.comments.decisions import ModerationContext
from rejoinder.moderation.text.wordlist import WordList
from rejoinder.settings import (
    CommentSettings,
    DatabaseSettings,
    ModerationSettings,
    PlanSettings,
    Settings,
    SiteSettings,
)
from rejoinder.storage.migrate import upgrade
from wordlist_bench import ENGLISH, JAPANESE, OBFUSCATED, _entries, _per_call

TARGET = 500
OPENINGS = [
    "I read the whole article and",
    "Honestly,",
    "As a teacher in this town,",
    "The council keeps saying that",
    "My family has lived here for years and",
    "これは大事な問題です。",
    "Good reporting, but",
    "Nobody seems to ask why",
]
MIDDLES = [
    "the library closing on Sundays is short-sighted",
    "the budget numbers in paragraph six do not add up",
    "this decision is stupid and the mayor should resign",
    "the new bus lanes have made my commute longer",
    "予算の使い方をもっと説明してほしいと思います",
    "you are an idiot if you believe the press release",
    "see https://example.org/report for the full figures",
    "the consultants' fees are the real scandal here",
]


def bodies(count: int, seed: int = 5) -> list[str]:
    """Varied comments (some long, some toxic, some Japanese, some with links), all distinct."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        parts = [rng.choice(OPENINGS), rng.choice(MIDDLES), f"(point {n})."]
        if n % 4 == 0:
            parts.append(ENGLISH[: rng.randint(100, 400)])
        out.append(" ".join(parts))
    return out


def bench_settings(
    url: str, banned: list[str], *, enabled: bool = True, second_stage: bool = True
) -> Settings:
    return Settings(
        database=DatabaseSettings(url=url),
        comments=CommentSettings(rate_limit_count=10**9, ip_rate_limit_count=10**9),
        moderation=ModerationSettings(
            enabled=enabled,
            toxicity_second_stage=second_stage,
            banned_words=banned,
            velocity_per_hour=10**6,
            links_new_commenter_threshold=1,
        ),
        plans=[
            PlanSettings(id="free", name="Free"),
            PlanSettings(id="member", name="Member", entitlements=["read", "comment"]),
        ],
        sites=[SiteSettings(id="bench", name="Bench Gazette", allowed_domains=["bench.test"])],
    )


async def _prepare(runtime: Any, readers: int) -> tuple[list[Any], str]:
    from factories import make_story, viewer
    from rejoinder.plans.service import sync_subscriber
    from rejoinder.profiles.service import update_profile

    viewers = []
    for n in range(readers):
        account = await sync_subscriber(runtime, f"bench-{n}", "member")
        await update_profile(
            runtime, await viewer(runtime, account.account_id), f"Bench {n:04x}", None
        )
        viewers.append(await viewer(runtime, account.account_id))
    return viewers, await make_story(runtime, site="bench", key="pipeline-bench")


async def run(
    comments: int,
    concurrency: int,
    banned_entries: int,
    *,
    enabled: bool = True,
    second_stage: bool = True,
) -> dict[str, float]:
    from rejoinder.comments.service import create_comment

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        settings = bench_settings(
            url, _entries(banned_entries), enabled=enabled, second_stage=second_stage
        )
        runtime = create_runtime(settings)
        try:
            viewers, story = await _prepare(runtime, 64)
            texts = bodies(comments)
            loaded = _timed_decisions(runtime)
            statuses: dict[str, int] = {}
            queue = list(enumerate(texts))

            async def worker() -> None:
                while queue:
                    n, text = queue.pop()
                    try:
                        result = await create_comment(
                            runtime,
                            viewers[n % len(viewers)],
                            "bench",
                            story,
                            text,
                            None,
                            idempotency_key=None,
                            client=f"10.0.{n % 250}.1",
                        )
                        key = "accepted" if result.status_code == 201 else str(result.status_code)
                    except Exception as exc:  # a refusal (nudge) is an answer, not an error
                        key = getattr(exc, "code", type(exc).__name__)
                    statuses[key] = statuses.get(key, 0) + 1

            started, cpu = time.perf_counter(), time.process_time()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu  # every thread of the process: the encoder's too
            loaded.sort()
            del runtime.moderation.decide  # the class's own again, for the decisions alone
            decide, p50, p99 = await _decide_only(runtime, viewers[0], story, texts[:1000])
        finally:
            await runtime.close()
    return {
        "accepted_per_s": statuses.get("accepted", 0) / elapsed,
        "answered_per_s": comments / elapsed,
        "cpu_us_per_comment": cpu / comments * 1e6,
        "decide_us": decide,
        "decide_p50_ms": p50,
        "decide_p99_ms": p99,
        "loaded_p50_ms": loaded[len(loaded) // 2] * 1000 if loaded else 0.0,
        "loaded_p99_ms": loaded[int(len(loaded) * 0.99)] * 1000 if loaded else 0.0,
        **{f"n_{k}": float(v) for k, v in statuses.items()},
    }


def _timed_decisions(runtime: Any) -> list[float]:
    """Wrap the runtime's pipeline so that every decision of the loaded run is timed (wall
    seconds, from the post's call to its answer: waiting for the encoder included)."""
    times: list[float] = []
    decide = runtime.moderation.decide

    async def timed(ctx: ModerationContext) -> Any:
        started = time.perf_counter()
        try:
            return await decide(ctx)
        finally:
            times.append(time.perf_counter() - started)

    runtime.moderation.decide = timed  # an attribute of this instance only
    return times


async def _decide_only(
    runtime: Any, viewer: Any, story_key: str, texts: list[str]
) -> tuple[float, float, float]:
    """Mean (µs), p50 and p99 (ms) of one decision, comments one after another."""
    from rejoinder.stories.queries import find_story

    async with runtime.db.read() as conn:
        story = await find_story(conn, "bench", story_key)
    assert story is not None
    contexts = [
        ModerationContext(
            site_id="bench",
            story_id=story.id,
            story_key=story_key,
            story_premoderated=False,
            account_id=viewer.account_id,
            author_role="commenter",
            author_status="active",
            plan_id="member",
            body=text,
            body_html=f"<p>{text}</p>",
            parent_id=None,
            comment_id=None,
            previous_body=None,
            client="bench",
            now=runtime.clock.now(),
        )
        for text in texts
        if "idiot" not in text and "stupid" not in text  # nudges write a row: measure decisions
    ]
    times = []
    for ctx in contexts:
        started = time.perf_counter()
        await runtime.moderation.decide(ctx)
        times.append(time.perf_counter() - started)
    times.sort()
    p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
    return sum(times) / len(times) * 1e6, p50 * 1000, p99 * 1000


def wordlist_figures() -> dict[str, float]:
    """Word lists (compile, match) and the first stage's CPU per comment on the dev split
    (these were timed assertions in the test suite once: speed belongs here)."""
    entries = _entries(10_000)
    started = time.perf_counter()
    words = WordList(entries)
    figures = {"compile_ms": (time.perf_counter() - started) * 1000}
    for name, sample in (("english", ENGLISH), ("obfuscated", OBFUSCATED), ("japanese", JAPANESE)):
        figures[f"{name}_us"] = _per_call(words, sample[:500], rounds=500) * 1e6
    # A pathological list for a backtracking matcher (a^k b for every k): 10x the text should
    # cost ~10x (linear), not ~100x (quadratic).
    worst = WordList(["a" * k + "b" for k in range(1, 200)])
    short, long = _per_call(worst, "a a " * 500, 5), _per_call(worst, "a a " * 5000, 5)
    figures["linear_ratio"] = long / short
    figures["scorer_us"] = _scorer_cpu_us()
    return figures


def _scorer_cpu_us() -> float:
    """CPU µs per comment of the first stage (raw and folded) on the dev split's texts."""
    from rejoinder.moderation.text.toxicity import default_scorer

    dev = Path(__file__).resolve().parents[1] / "data" / "moderation" / "dev.jsonl"
    texts = [json.loads(line)["text"] for line in dev.read_text(encoding="utf-8").splitlines()]
    scorer = default_scorer()
    for text in texts[:100]:
        scorer.score(text)
    started = time.process_time()
    for text in texts:
        scorer.score(text)
    return (time.process_time() - started) / len(texts) * 1e6


def report(comments: int = 3000, concurrency: int = 16) -> list[str]:
    """The section ``bench/run.py`` prints."""
    result = asyncio.run(run(comments, concurrency, 10_000))
    baseline = asyncio.run(run(comments, concurrency, 0, enabled=False))["accepted_per_s"]
    first_only = asyncio.run(run(comments, concurrency, 10_000, second_stage=False))
    words = wordlist_figures()
    outcome = ", ".join(f"{k[2:]} {int(v)}" for k, v in result.items() if k.startswith("n_"))
    verdict = "ok" if result["accepted_per_s"] >= TARGET else "BELOW TARGET"
    accepted, answered = result["accepted_per_s"], result["answered_per_s"]
    return [
        (
            f"  full pipeline, accepted comments/s:       {accepted:7,.0f}"
            f"   (target >= {TARGET}: {verdict}; {concurrency} concurrent writers, SQLite)"
        ),
        (
            f"  CPU per comment (all threads): full {result['cpu_us_per_comment']:,.0f} µs,"
            f" first stage only {first_only['cpu_us_per_comment']:,.0f} µs"
        ),
        f"  answered/s (incl. nudges):               {answered:7,.0f}   ({outcome})",
        (
            f"  full pipeline, model's first stage only: {first_only['accepted_per_s']:7,.0f}"
            f"   (decision p99 {first_only['decide_p99_ms']:.1f} ms)"
        ),
        f"  same write path, pipeline switched off:  {baseline:7,.0f}   (for comparison)",
        (
            f"  pipeline decision alone:                 {result['decide_us']:7,.0f} µs/comment"
            f" (p50 {result['decide_p50_ms']:.1f} ms, p99 {result['decide_p99_ms']:.1f} ms;"
            " target p99 <= 50 ms)"
        ),
        (
            f"  decision under the load above:           p50 {result['loaded_p50_ms']:.1f} ms,"
            f" p99 {result['loaded_p99_ms']:.1f} ms (first stage only: p99"
            f" {first_only['loaded_p99_ms']:.1f} ms)"
        ),
        (
            f"  word list of 10,000 entries: compile {words['compile_ms']:.0f} ms; match 500 "
            f"chars English {words['english_us']:.0f} µs, obfuscated "
            f"{words['obfuscated_us']:.0f} µs, Japanese {words['japanese_us']:.0f} µs;"
            f" 10x the text costs {words['linear_ratio']:.1f}x (linear: ~10x)"
        ),
        f"  first stage alone, dev split (raw and folded): {words['scorer_us']:.0f} µs CPU/comment",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--section", action="store_true", help="as a section of run.py")
    args = parser.parse_args()
    if not args.section:
        print("Moderation pipeline, one process, SQLite (banned list: 10,000 entries)\n")
    for line in report(args.comments, args.concurrency):
        print(line)


if __name__ == "__main__":
    main()
