"""Streaming XML that is safe to feed with anyone's file.

lxml's ``iterparse`` with entity substitution, DTD loading and the network off, and without
``huge_tree`` (libxml2's own limits on depth and text size stay on). A document that declares
entities is refused outright: no export needs them, and it is how XXE (external entities) and
"billion laughs" (entities expanding into each other) payloads are written. Elements are
cleared once handled, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from rejoinder.imports.records import Position
from rejoinder.imports.source import BadInput

_LEADING = 1024  # junk tolerated before the first "<" (a stray character from a copy)


class _Prefixed:
    """``head`` followed by the rest of ``stream``: what was peeked goes back in front."""

    def __init__(self, head: bytes, stream: IO[bytes]) -> None:
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                head, self._head = self._head, b""
                return head + (self._stream.read(size - len(head)) if size > 0 else b"")
            head, self._head = self._head[:size], self._head[size:]
            return head
        return self._stream.read(size)


def _skip_junk(stream: IO[bytes]) -> tuple[_Prefixed, int]:
    head = stream.read(_LEADING)
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return _Prefixed(head, stream), 0
    start = head.find(b"<")
    if start <= 0 or head[:start].strip() == b"":
        return _Prefixed(head, stream), 0
    return _Prefixed(head[start:], stream), start


def local(tag: Any) -> str:
    """The tag without its namespace (``{http://disqus.com}post`` → ``post``)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def elements(stream: IO[bytes], wanted: set[str], level: int, skipped: list[int]) -> Iterator[Any]:
    """Every element at ``level`` (the root is 1) whose local name is in ``wanted``, complete,
    in document order; each is
    cleared after the caller is done with it. ``skipped`` receives the count of junk bytes
    ignored before the document. Raises ``BadInput`` with the position of a syntax error."""
    source, junk = _skip_junk(stream)
    if junk:
        skipped.append(junk)
    context = etree.iterparse(
        source,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    depth = 0
    try:
        for event, element in context:
            if event == "start":
                if not checked:
                    checked = True
                    _refuse_entities(element)
                depth += 1
                continue
            depth -= 1
            if depth + 1 != level or local(element.tag) not in wanted:
                continue
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                # What came before at this level was handled (or is not wanted): drop it,
                # so memory stays flat.
                while element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 0, 0)
        raise BadInput(f"malformed XML: {error.msg}", Position(line=line, column=column)) from None
    except etree.LxmlError as error:
        raise BadInput(f"unreadable XML: {error}") from None


def _refuse_entities(root: Any) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = [entity.name for entity in dtd.iterentities()]
    if names:
        raise BadInput(
            "the file declares XML entities (" + ", ".join(names[:5]) + "): refused, since "
            "entities are how XXE and entity-expansion ('billion laughs') attacks are written "
            "and no real export uses them",
            Position(line=1),
        )


def text(element: Any, name: str) -> str | None:
    """The stripped text of the first child called ``name`` (any namespace), or None."""
    for child in element:
        if local(child.tag) == name:
            value = child.text
            return value.strip() if value is not None else ""
    return None


def child(element: Any, name: str) -> Any:
    for item in element:
        if local(item.tag) == name:
            return item
    return None
