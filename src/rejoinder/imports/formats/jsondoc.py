"""Reading JSON documents and JSON Lines with positions for the report."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

import msgspec

from rejoinder.imports.records import Position
from rejoinder.imports.source import BadInput

MAX_DOCUMENT = 2 * 1024**3  # a whole-document format (Commento) is read at once


def _position(data: bytes, message: str) -> Position:
    # msgspec says "... (at byte 1234)": turn the offset into a line and column.
    marker = message.rsplit("byte ", 1)
    if len(marker) == 2 and marker[1].rstrip(")").isdigit():
        offset = int(marker[1].rstrip(")"))
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        return Position(line=line, column=column)
    return Position(line=1)


def load_document(stream: IO[bytes]) -> Any:
    data = stream.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        raise BadInput("the JSON document is larger than 2 GiB")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise BadInput(f"malformed JSON: {error}", _position(data, str(error))) from None


def lines(stream: Iterable[bytes]) -> Iterator[tuple[Position, Any]]:
    """Each non-empty line of a JSON Lines stream, decoded; a bad line raises ``BadInput``."""
    for number, raw in enumerate(stream, start=1):
        line = raw.strip()
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line:
            continue
        position = Position(line=number)
        try:
            yield position, msgspec.json.decode(line)
        except msgspec.DecodeError as error:
            truncated = not raw.endswith(b"\n")
            why = "truncated" if truncated else "malformed"
            hint = ""
            if number == 1 and line[:1] in (b"{", b"[", b"<"):
                # A whole (pretty-printed) JSON document or an XML file: the wrong format.
                hint = " (this format is JSON Lines, one object per line: is it another export?)"
            raise BadInput(f"{why} JSON line: {error}{hint}", position) from None


def string(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
