"""Streaming XML that is safe to feed with anyone's file.

lxml's ``iterparse`` with entity substitution, DTD loading and the network off, and without
``huge_tree`` (libxml2's own limits on depth and text size stay on). A document that declares
entities is refused outright: no export needs them, and it is how XXE (external entities) and
"billion laughs" (entities expanding into each other) payloads are written. Elements are
cleared once handled, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree

from rejoinder.imports.records import Position, Problem
from rejoinder.imports.source import BadInput

_AT = re.compile(r", line \d+, column \d+$")
_LEADING = 1024
ENTITIES = (
    "refused: the file uses XML entities, which is how XXE and entity-expansion "
    "('billion laughs') attacks are written; no real export needs them"
)  # junk tolerated before the first "<" (a stray character from a copy)


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


def document(stream: IO[bytes]) -> tuple[_Prefixed, Problem | None]:
    """``stream`` from its first ``<`` on, for ``elements``, and the note saying how many stray
    bytes before it were ignored (``None`` when there were none). The note is known before any
    element is parsed, so a parser says it first, even when the XML breaks at once."""
    source, junk = _skip_junk(stream)
    if not junk:
        return source, None
    return source, Problem(f"ignored {junk} byte(s) before the XML document", Position(1))


def local(tag: Any) -> str:
    """The tag without its namespace (``{http://disqus.com}post`` → ``post``)."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _depth(element: Any) -> int:
    depth = 1
    parent = element.getparent()
    while parent is not None:
        depth += 1
        parent = parent.getparent()
    return depth


def elements(source: _Prefixed, wanted: set[str], level: int) -> Iterator[Any]:
    """Every element at ``level`` (the root is 1) whose local name is in ``wanted``, complete,
    in document order, from a ``document``'s source; each is cleared after the caller is done
    with it. Raises ``BadInput`` with the position of a syntax error. lxml filters the tags
    itself (any namespace), which keeps this loop to the elements that matter."""
    context = etree.iterparse(
        source,
        events=("end",),
        tag=[f"{{*}}{name}" for name in sorted(wanted)],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    checked = False
    try:
        for _, element in context:
            if not checked:
                checked = True
                _refuse_entities(element)
            if _depth(element) != level:
                continue  # e.g. the <thread dsq:id=.../> reference inside a Disqus <post>
            yield element
            element.clear(keep_tail=False)
            parent = element.getparent()
            if parent is not None:
                # What came before at this level was handled (or is not wanted): drop it,
                # so memory stays flat.
                while element.getprevious() is not None:
                    del parent[0]
        root = getattr(context, "root", None)
        if root is not None and not checked:
            _refuse_entities(root)
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (error.lineno or 0, 0)
        message = _AT.sub("", error.msg or str(error))
        logged = getattr(error.error_log, "last_error", None) if not line else None
        if logged is not None and logged.line:
            # "no element found" at 0:0 after an undefined entity: what libxml2 logged last
            # has the cause and its place.
            line, column, message = logged.line, logged.column, logged.message
        if message.startswith("Entity '") and "not defined" in message:  # &nbsp; and the like
            raise BadInput(
                f"malformed XML: {message} (XML defines only &amp; &lt; &gt; &quot; &apos;)",
                Position(line=line, column=column),
            ) from None
        if "entit" in message.lower():  # libxml2 itself stopped an expansion or a loop
            raise BadInput(f"{ENTITIES} ({message})", Position(line=line, column=column)) from None
        raise BadInput(f"malformed XML: {message}", Position(line=line, column=column)) from None
    except etree.LxmlError as error:
        raise BadInput(f"unreadable XML: {error}") from None


def _refuse_entities(root: Any) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = [entity.name for entity in dtd.iterentities()]
    if names:
        raise BadInput(f"{ENTITIES}: it declares " + ", ".join(names[:5]), Position(line=1))


# Local names by qualified tag: a file has few distinct tags, each met on every record
# (a dict look-up instead of cutting the string each time). Bounded, against a file that
# invents a tag per element.
_LOCAL_NAMES: dict[Any, str] = {}
_LOCAL_NAMES_MAX = 1024


def local_name(tag: Any) -> str:
    """``local``, remembered: the tag without its namespace, "" for a comment or entity."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_MAX:
            _LOCAL_NAMES[tag] = name
    return name


def children(element: Any) -> dict[str, Any]:
    """The element's children by local name (the first of each), in one pass."""
    found: dict[str, Any] = {}
    for item in element:
        name = local_name(item.tag)
        if name and name not in found:
            found[name] = item
    return found


def text(element: Any, name: str) -> str | None:
    """The stripped text of the first child called ``name`` (any namespace), or None."""
    for child in element:
        if local(child.tag) == name:
            value = child.text
            return value.strip() if value is not None else ""
    return None


def value(found: dict[str, Any], name: str) -> str | None:
    """Like ``text``, on the result of ``children``."""
    item = found.get(name)
    if item is None:
        return None
    raw = item.text
    return raw.strip() if raw is not None else ""


def child(element: Any, name: str) -> Any:
    for item in element:
        if local(item.tag) == name:
            return item
    return None
