"""Plain prose skips the Markdown parser: it must render exactly as the parser renders it."""

from __future__ import annotations

import random

from rejoinder.comments import render as rendering
from rejoinder.comments.render import clean_text, render, sanitise

ALPHABET = [
    *"abc XYZ 123 .,;:?'\"()/@%$^{}\n\n   ",
    *"日本語「」、。😀é",
    "\u00a0",  # no-break space
    "\u3000",  # ideographic space
    "1.",
    "2)",
    " \n",
    "  \n",
    "- ",
    "*",
    "_x_",
    "`",
    "> ",
    "&amp;",
    "<b>",
    "https://example.com",
    "www.example.com",
    "# ",
    "\\",
]


def test_plain_text_renders_as_the_markdown_parser_renders_it() -> None:
    generator = random.Random(20261202)  # the same texts every run
    plain = 0
    for _ in range(20_000):
        raw = "".join(generator.choice(ALPHABET) for _ in range(generator.randint(1, 40)))
        text = clean_text(raw)
        if not text:
            continue
        expected = sanitise(rendering._md.render(text))
        assert render(text) == expected, repr(text)
        plain += rendering._MARKUP.search(text) is None
    assert plain > 1_000  # the plain path was exercised, not only the parser's


def test_markup_still_goes_through_the_parser() -> None:
    assert render("**bold** and _em_") == "<p><strong>bold</strong> and <em>em</em></p>"
    assert render("1. one\n2. two") == "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"
    assert render("a < b & c") == "<p>a &lt; b &amp; c</p>"
    assert render("first\nsecond\n\nthird") == "<p>first<br>\nsecond</p>\n<p>third</p>"
