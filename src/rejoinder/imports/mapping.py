"""Threads to stories: URL normalisation, ``--rewrite 'FROM=>TO'`` rules, and matching.

The number-one import failure elsewhere is URL mapping, so every URL (the old system's and
our stories') is reduced to one comparable form before matching:

- the scheme is ignored (``http`` and ``https`` are the same page), the host lower-cased
  without ``www.`` and without a default port;
- the path keeps its case, loses a trailing slash and doubled slashes, and has its
  percent-encoding normalised (``%7E`` and ``~`` are one path);
- the query is kept (``?p=123`` is how WordPress names a page) but sorted, without tracking
  parameters (``utm_*``, ``fbclid``, ...); the fragment (``#comments``) is dropped.

Rewrite rules then replace a prefix (on path-segment boundaries: ``/blog`` never matches
``/blogging``): ``old.example.com=>www.example.com`` (a host), ``/blog/=>/`` (a path on any
host), ``http://old.example.com/blog/=>https://example.com/news/`` (both). The first rule
that matches applies. A relative thread URL (``/2011/03/post``, which old exports mix with
absolute ones) matches a story with that path on any host of the site, when only one has it;
so does an absolute URL whose host no story has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from rejoinder.imports.source import BadInput

_TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_cid|mc_eid|ref|_ga)$")
_SLASHES = re.compile(r"/{2,}")
_DEFAULT_PORTS = {":80", ":443"}
_SAFE_PATH = "/:@!$&'()*+,;=-._~"


@dataclass(frozen=True, slots=True)
class PageKey:
    """A URL in comparable form: ``host`` is empty for a relative URL."""

    host: str
    path: str
    query: str = ""

    @property
    def local(self) -> str:
        return self.path + (f"?{self.query}" if self.query else "")

    def __str__(self) -> str:
        return (f"//{self.host}" if self.host else "") + self.local


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].lower().rstrip(".")
    for port in _DEFAULT_PORTS:
        if host.endswith(port):
            host = host[: -len(port)]
    return host.removeprefix("www.")


def _path(raw: str, *, keep_slash: bool = False) -> str:
    path = quote(unquote(raw), safe=_SAFE_PATH)
    path = _SLASHES.sub("/", path) or "/"
    if not path.startswith("/"):
        path = "/" + path
    if not keep_slash and len(path) > 1:
        path = path.rstrip("/") or "/"
    return path


def _query(raw: str) -> str:
    pairs = [(k, v) for k, v in parse_qsl(raw, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlencode(sorted(pairs))


def page_key(url: str) -> PageKey | None:
    """The comparable form of ``url`` (absolute, scheme-relative or a path); None if empty."""
    raw = url.strip()
    if not raw:
        return None
    try:
        parts = urlsplit(raw if "://" in raw or raw.startswith(("/", "?")) else "//" + raw)
    except ValueError:
        return None
    host = _host(parts.netloc)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None
    return PageKey(host, _path(parts.path), _query(parts.query))


@dataclass(frozen=True, slots=True)
class Rule:
    """One ``FROM=>TO`` rewrite: a host, a path prefix, or both, on each side."""

    source: str
    from_host: str | None
    from_path: str
    to_host: str | None
    to_path: str

    def apply(self, key: PageKey) -> PageKey | None:
        if self.from_host is not None and key.host != self.from_host:
            return None
        prefix = self.from_path
        if prefix not in {"/", key.path} and not key.path.startswith(prefix + "/"):
            return None
        rest = key.path[len(prefix) :] if prefix != "/" else key.path
        target = self.to_path.rstrip("/") if self.to_path != "/" else ""
        path = _path(target + rest) if (target or rest) else "/"
        return PageKey(self.to_host if self.to_host is not None else key.host, path, key.query)


def _side(text: str) -> tuple[str | None, str]:
    text = text.strip()
    if text.startswith("/"):
        return None, _path(text)
    parts = urlsplit(text if "://" in text else "//" + text)
    if not parts.netloc:
        raise ValueError(text)
    return _host(parts.netloc), _path(parts.path or "/")


def parse_rule(text: str) -> Rule:
    """``FROM=>TO``; raises ``BadInput`` with the reason when it is not one."""
    if "=>" not in text:
        raise BadInput(f"rewrite rule {text!r} has no '=>' (write FROM=>TO)")
    left, right = text.split("=>", 1)
    if not left.strip() or not right.strip():
        raise BadInput(f"rewrite rule {text!r} needs both FROM and TO")
    try:
        from_host, from_path = _side(left)
        to_host, to_path = _side(right)
    except ValueError:
        raise BadInput(f"rewrite rule {text!r}: each side is a host, a /path or a URL") from None
    return Rule(text, from_host, from_path, to_host, to_path)


def rewrite(key: PageKey, rules: list[Rule]) -> PageKey:
    for rule in rules:
        moved = rule.apply(key)
        if moved is not None:
            return moved
    return key


@dataclass(slots=True)
class StoryIndex:
    """The site's stories by key, by full page key and by path alone (for relative URLs)."""

    by_key: dict[str, int] = field(default_factory=dict)
    by_page: dict[PageKey, int] = field(default_factory=dict)
    by_local: dict[str, int | None] = field(default_factory=dict)  # None: more than one
    hosts: set[str] = field(default_factory=set)

    def add(self, story_id: int, story_key: str, url: str) -> None:
        self.by_key[story_key] = story_id
        key = page_key(url) if url else None
        if key is None:
            return
        self.by_page.setdefault(key, story_id)
        self.hosts.add(key.host)
        local = key.local
        if local in self.by_local and self.by_local[local] != story_id:
            self.by_local[local] = None
        else:
            self.by_local[local] = story_id

    def match(
        self, url: str | None, identifier: str | None, rules: list[Rule]
    ) -> tuple[int | None, str]:
        """The story for a thread and how it was found (``identifier``, ``url``, ``path``)."""
        if identifier and identifier in self.by_key:
            return self.by_key[identifier], "identifier"
        key = page_key(url) if url else None
        if key is None:
            return None, ""
        key = rewrite(key, rules)
        found = self.by_page.get(key)
        if found is not None:
            return found, "url"
        if not key.host or key.host not in self.hosts:
            only = self.by_local.get(key.local)
            if only is not None:
                return only, "path"
        return None, ""


def story_key_for(url: str | None, identifier: str | None, rules: list[Rule], fallback: str) -> str:
    """The key of a story created for an unmatched thread: its identifier, else its page."""
    if identifier and len(identifier) <= 255 and identifier.isprintable():
        return identifier
    key = page_key(url) if url else None
    if key is not None:
        local = rewrite(key, rules).local
        if len(local) <= 255:
            return local
    return fallback


def story_url_for(url: str | None, rules: list[Rule]) -> str:
    """The URL stored on a created story: the thread's, rewritten, as https."""
    key = page_key(url) if url else None
    if key is None:
        return ""
    moved = rewrite(key, rules)
    return f"https://{moved.host}{moved.local}" if moved.host else moved.local
