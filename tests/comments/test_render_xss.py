"""The Markdown subset and the sanitiser: what is allowed renders, every payload is inert."""

from __future__ import annotations

import re

import pytest

from rejoinder.comments.render import clean_text, render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml,<svg onload=alert(1)>)",
    '![x](https://evil.test/x.png" onerror="alert(1))',
    '[x](https://ok.test "title" onmouseover=alert(1))',
    '<https://ok.test/" onclick="alert(1)>',
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)\n\n[a]",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "`<script>alert(1)</script>`",
    "> <img src=x onerror=alert(1)>",
    "* [x](javascript:alert(1))",
    "<!-- <script>alert(1)</script> -->",
    '<a href="https://ok.test" style="position:fixed" target="_top">x</a>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    "[x](//evil.test/path)",
]

ALLOWED_TAG = re.compile(r"</?(p|br|em|strong|a|blockquote|ul|ol|li|code)\b")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_render_inert(payload: str) -> None:
    html = render(clean_text(payload))
    tags = re.findall(r"<[^>]*>", html)
    assert all(ALLOWED_TAG.match(tag) for tag in tags), html
    lowered = html.lower()
    for needle in (
        "javascript:",
        "vbscript:",
        "data:",
        "<script",
        "<svg",
        "<img",
        "<iframe",
        "style=",
        "onerror=",
        "onload=",
        "onclick=",
        "onmouseover=",
        "onfocus=",
        "target=",
    ):
        assert needle not in lowered or needle not in _attributes(lowered), (needle, html)
    for href in re.findall(r'href="([^"]*)"', _attributes(html)):
        assert href.startswith(("http://", "https://", "mailto:")), html


def _attributes(html: str) -> str:
    """Only what is inside tags can execute; escaped text is harmless."""
    return " ".join(re.findall(r"<[^>]*>", html))


def test_the_subset_renders() -> None:
    html = render(
        clean_text(
            "Hello *you* and **all**.\n\n> quoted\n\n- one\n- two\n\n1. first\n\n"
            "`code` and [a link](https://news.test/a?b=1&c=2)"
        )
    )
    assert "<em>you</em>" in html
    assert "<strong>all</strong>" in html
    assert "<blockquote>" in html
    assert "<ul>" in html
    assert "<ol>" in html
    assert "<code>code</code>" in html
    assert (
        '<a href="https://news.test/a?b=1&amp;c=2" rel="nofollow ugc noopener">a link</a>' in html
    )


def test_headings_images_and_html_stay_text() -> None:
    html = render(clean_text("# Title\n\n![alt](https://x.test/i.png)\n\n<b>bold</b>"))
    assert "<h1" not in html
    assert "<img" not in html
    assert "&lt;b&gt;" in html


def test_clean_text_strips_controls_and_keeps_lines() -> None:
    assert clean_text("a\x00b\r\nc\u202ed\u200b\te\n\n\n\nf  ") == "ab\ncd e\n\nf"
    assert clean_text("👩\u200d💻") == "👩\u200d💻"
    assert clean_text("日本語のコメント") == "日本語のコメント"
