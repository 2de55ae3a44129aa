"""The encoder's input: a comment's first ``MAX_TOKENS`` tokens, as the engine counts them."""

from __future__ import annotations

from rejoinder.moderation.text.embedding import MAX_TOKENS, EmbeddingHead, _encoder, clip

LONG = (
    "The council keeps saying that the budget numbers in paragraph six add up, but nobody "
    "seems to ask why the consultants' fees grew fourfold while the library lost its Sundays."
)
JAPANESE = "これは大事な問題です。予算の使い方をもっと説明してほしいと思います。" * 3


def test_a_short_comment_is_read_whole() -> None:
    assert clip(_encoder(), "Thank you for this.") == "Thank you for this."


def test_a_long_comment_is_cut_to_the_longest_prefix_within_the_tokens() -> None:
    encoder = _encoder()
    for text in (LONG, JAPANESE):
        clipped = clip(encoder, text)
        assert text.startswith(clipped)
        assert len(clipped) < len(text)
        assert encoder.token_count(clipped, is_query=True) <= MAX_TOKENS
        assert encoder.token_count(text[: len(clipped) + 1], is_query=True) > MAX_TOKENS


def test_the_head_reads_what_the_clip_leaves() -> None:
    head = EmbeddingHead.load()
    assert head.probabilities([LONG]) == head.probabilities([clip(_encoder(), LONG)])
