"""Word-list matching cost: compile 10,000 entries, match 500-character comments.

    python bench/wordlist_bench.py

Prints the compile time and the mean time to match one comment (English, stretched
and obfuscated English, Japanese). The target is well under 1 ms per comment.
"""

from __future__ import annotations

import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rejoinder.moderation.text.threats import ThreatPhrases
from rejoinder.moderation.text.wordlist import WordList

ENGLISH = (
    "The council's decision to close the library on Sundays is short-sighted. My kids "
    "use it every weekend, and so do half the pensioners on our street. I read the "
    "whole article twice and still can't see where the savings come from: the staff "
    "are volunteers, the heating is on anyway for the community hall next door, and "
    "the building was paid for decades ago. If the mayor wants to cut costs, start "
    "with the consultants' fees mentioned in paragraph six. Shame on them, honestly, "
    "what a shit decision. Write to your councillor before the vote on the 14th!"
)
OBFUSCATED = (
    "Honestly the minister is a f.u.c.k.i.n.g joke and everyone who voted for him is "
    "an a$$hole, sh1t for brains the lot of them, fuuuuuuck this government. "
) * 3
JAPANESE = (
    "この記事を読んで本当に驚きました。市の図書館が日曜日に閉まるなんて、子供たちが"
    "かわいそうです。予算の問題は理解できますが、ほかに削れるところがあるはずです。"
) * 4


def _entries(count: int) -> list[str]:
    rng = random.Random(20240601)
    letters = string.ascii_lowercase
    words = {"".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(count)}
    phrases = [f"{a} {b}" for a, b in zip(sorted(words)[::7], sorted(words)[1::7], strict=False)]
    real = ["fuck", "fucking", "shit", "asshole", "kill yourself", "死ね", "殺す"]
    return (real + phrases + sorted(words))[:count]


def _per_call(words: WordList | ThreatPhrases, text: str, rounds: int = 2000) -> float:
    words.find(text)  # warm caches
    # CPU time: on a shared machine the wall clock measures the neighbours too.
    start = time.process_time()
    for _ in range(rounds):
        words.find(text)
    return (time.process_time() - start) / rounds


def main() -> None:
    entries = _entries(10_000)
    start = time.perf_counter()
    words = WordList(entries)
    compiled = time.perf_counter() - start
    print(f"compile {len(words):,} entries: {compiled * 1000:.1f} ms")
    start = time.perf_counter()
    threats = ThreatPhrases()
    print(
        f"compile threat phrases ({threats.size:,} expanded): "
        f"{(time.perf_counter() - start) * 1000:.1f} ms"
    )
    samples = (("english", ENGLISH), ("obfuscated", OBFUSCATED), ("japanese", JAPANESE))
    for name, sample in samples:
        text = sample[:500]
        per = _per_call(words, text)
        hits = len(words.find(text))
        print(f"match {name:<10} ({len(text)} chars, {hits} hits): {per * 1e6:7.1f} µs/comment")
    per = _per_call(threats, ENGLISH[:500])
    print(f"threat phrases, english 500 chars: {per * 1e6:7.1f} µs/comment")


if __name__ == "__main__":
    main()
