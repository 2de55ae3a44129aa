"""Byte-level repairs for the XML that WordPress writes, before the parser sees it.

WordPress builds its export with ``echo`` and wraps text in CDATA without checking it, so
four faults are common in real WXR files and make a strict parser stop at the first one:

- blank lines before ``<?xml``, which a plugin's PHP file with a stray newline after ``?>``
  prints into every response. XML allows the declaration only at the first byte: it is moved
  in front of them (so every later line keeps its number).
- a namespace prefix used without its declaration: WordPress 2.x wrote ``<excerpt:encoded>``
  without ``xmlns:excerpt``. Those of WordPress's declarations the ``<rss>`` tag lacks are
  added to it.
- control characters that XML 1.0 forbids (``\\x0b``, ``\\x1b``, ... pasted from Word or a
  terminal) inside a comment. They are dropped: they never display as anything.
- HTML named entities (``&nbsp;``, ``&hellip;``) outside CDATA, which old versions (WXR 1.0)
  wrote into titles. XML defines only five; the others become the numeric reference to the
  same character, which is what HTML would have shown. Inside CDATA an entity is only text,
  and is left as it is.

Both are safe on UTF-8 and single-byte encodings (no byte below 0x80 is part of a multi-byte
UTF-8 sequence). ``Repaired.fixes`` counts what was changed, for the report.
"""

from __future__ import annotations

import re
from html.entities import html5
from typing import IO

_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))
_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_OPEN, _CLOSE = b"<![CDATA[", b"]]>"
_TAIL = 34  # the longest token that may straddle two chunks: '&', a 32-letter name, ';'
_TOKEN = re.compile(rb"[<&\]]")  # how an entity or a CDATA marker starts
_HTML_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z]")


_PROLOGUE = 64 * 1024  # where the <rss> start tag must be, after WordPress's comments
_ROOT = re.compile(rb"<rss\b[^>]*>")
# The prefixes WordPress writes, with the namespace each had when undeclared (WordPress 2.x
# used excerpt: without declaring it).
_WXR_NAMESPACES = (
    (b"excerpt", b"http://wordpress.org/export/1.0/excerpt/"),
    (b"content", b"http://purl.org/rss/1.0/modules/content/"),
    (b"wfw", b"http://wellformedweb.org/CommentAPI/"),
    (b"dc", b"http://purl.org/dc/elements/1.1/"),
    (b"wp", b"http://wordpress.org/export/1.0/"),
)


def _root_end(data: bytes) -> int | None:
    found = _ROOT.search(data)
    return found.end() if found is not None else None


class Repaired:
    """``stream`` read through both repairs, chunk by chunk (memory stays flat)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._carry = b""  # a token that may continue in the next chunk
        self._in_cdata = False
        self._first = True
        self.blank_lines = 0
        self.namespaces: list[str] = []
        self.controls = 0
        self.entities = 0

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self._stream.read(size if size > 0 else -1)
            if self._first:
                self._first = False
                chunk = self._prologue(chunk)
            data, self._carry = self._carry + chunk, b""
            if chunk and size > 0:
                # Keep back every token that starts near the end: one that starts earlier
                # is shorter than the tail, so it is whole in this chunk.
                found = _TOKEN.search(data, max(0, len(data) - _TAIL))
                if found is not None:
                    cut = found.start()
                    if data[cut - 1 : cut] == b"]":  # the second ']' of a ']]>'
                        cut -= 1
                    data, self._carry = data[:cut], data[cut:]
            cleaned = data.translate(None, _CONTROLS)
            self.controls += len(data) - len(cleaned)
            if _HTML_ENTITY.search(cleaned) is not None:
                cleaned = self._outside_cdata(cleaned)
            else:  # the common chunk: only where it ends matters, inside CDATA or not
                opened, closed = cleaned.rfind(_OPEN), cleaned.rfind(_CLOSE)
                if opened != closed:
                    self._in_cdata = opened > closed
            if cleaned or not chunk:
                return cleaned

    def _prologue(self, data: bytes) -> bytes:
        """The file up to the end of its ``<rss>`` start tag, repaired as a whole."""
        while (end := _root_end(data)) is None and len(data) < _PROLOGUE:
            more = self._stream.read(_PROLOGUE)
            if not more:
                break
            data += more
        data = self._declaration_first(data)
        if end is None:
            return data
        end = _root_end(data)
        assert end is not None
        tag = data[:end]
        start = tag.rfind(b"<rss")
        missing = [
            (prefix, uri)
            for prefix, uri in _WXR_NAMESPACES
            if b"xmlns:" + prefix + b"=" not in tag[start:]
        ]  # declared whether used or not: the first use may be megabytes on
        if not missing:
            return data
        self.namespaces = [prefix.decode() for prefix, _ in missing]
        declared = b"".join(b' xmlns:%s="%s"' % pair for pair in missing)
        at = start + len(b"<rss")
        return data[:at] + declared + data[at:]

    def _declaration_first(self, data: bytes) -> bytes:
        body = data.lstrip(b" \t\r\n")
        end = body.find(b"?>") if body.startswith(b"<?xml") else -1
        if body is data or end < 0:
            return data
        blank = data[: len(data) - len(body)]
        self.blank_lines = blank.count(b"\n") or 1
        return body[: end + 2] + blank + body[end + 2 :]

    def _outside_cdata(self, data: bytes) -> bytes:
        parts: list[bytes] = []
        at = 0
        while at < len(data):
            if self._in_cdata:
                end = data.find(_CLOSE, at)
                if end < 0:
                    parts.append(data[at:])
                    break
                parts.append(data[at : end + len(_CLOSE)])
                at, self._in_cdata = end + len(_CLOSE), False
                continue
            start = data.find(_OPEN, at)
            text = data[at:] if start < 0 else data[at:start]
            parts.append(_ENTITY.sub(self._numeric, text) if b"&" in text else text)
            if start < 0:
                break
            parts.append(_OPEN)
            at, self._in_cdata = start + len(_OPEN), True
        return b"".join(parts)

    def _numeric(self, match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        text = html5.get(name.decode("ascii") + ";")
        if text is None:
            return match.group(0)  # not HTML's either: the parser reports it
        self.entities += 1
        return b"".join(b"&#x%x;" % ord(char) for char in text)
