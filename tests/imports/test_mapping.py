"""URL normalisation and rewrite rules: the number-one import failure elsewhere."""

from __future__ import annotations

import pytest

from rejoinder.imports.mapping import StoryIndex, page_key, parse_rule
from rejoinder.imports.source import BadInput


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("http://news.test/a/b/", "https://news.test/a/b"),  # scheme, trailing slash
        ("https://WWW.News.Test:443/a/b", "https://news.test/a/b"),  # host case, www, port
        ("https://news.test/a/b#comments", "https://news.test/a/b"),  # fragment
        ("https://news.test/a/b?utm_source=x&fbclid=y", "https://news.test/a/b"),  # tracking
        ("https://news.test/?b=2&p=1", "https://news.test/?p=1&b=2"),  # query order
        ("https://news.test/caf%C3%A9//x", "https://news.test/café/x"),  # encoding, slashes
        ("news.test/a", "https://news.test/a"),  # a bare host
    ],
)
def test_equivalent_urls(left: str, right: str) -> None:
    assert page_key(left) == page_key(right)


def test_different_pages_stay_different() -> None:
    assert page_key("https://news.test/?p=1") != page_key("https://news.test/?p=2")
    assert page_key("https://news.test/A") != page_key("https://news.test/a")
    assert page_key("ftp://news.test/a") is None
    assert page_key("") is None


def _index() -> StoryIndex:
    index = StoryIndex()
    index.add(1, "vote", "https://news.test/politics/vote")
    index.add(2, "storm", "https://news.test/2019/storm/")
    index.add(3, "a-news", "https://news.test/same")
    index.add(4, "a-sport", "https://sport.news.test/same")
    return index


def test_matching_absolute_relative_and_identifiers() -> None:
    index = _index()
    assert index.match("http://www.news.test/politics/vote/#x", None, []) == (1, "url")
    assert index.match("/politics/vote", None, []) == (1, "path")  # relative
    assert index.match("https://old.test/politics/vote", None, []) == (1, "path")  # new domain
    assert index.match(None, "storm", []) == (2, "identifier")
    assert index.match("/same", None, []) == (None, "")  # two stories have that path
    assert index.match("https://news.test/nowhere", None, []) == (None, "")


def test_rewrite_rules() -> None:
    index = _index()
    blog = [parse_rule("/blog/=>/")]
    assert index.match("https://news.test/blog/2019/storm", None, blog) == (2, "url")
    assert index.match("https://news.test/blogging/2019/storm", None, blog) == (None, "")
    moved = [parse_rule("http://old.news.test/blog=>https://news.test/")]
    assert index.match("https://old.news.test/blog/2019/storm/", None, moved) == (2, "url")
    host = [parse_rule("archive.news.test=>news.test")]
    assert index.match("http://archive.news.test/same", None, host) == (3, "url")
    first_wins = [parse_rule("/x=>/politics"), parse_rule("/x=>/2019")]
    assert index.match("/x/vote", None, first_wins) == (1, "path")


@pytest.mark.parametrize("rule", ["no-arrow", "=>/x", "/x=>", "http://=>/x"])
def test_bad_rules_are_explained(rule: str) -> None:
    with pytest.raises(BadInput):
        parse_rule(rule)
