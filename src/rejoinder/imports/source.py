"""Opening an import file: plain or gzip, with a cap on what decompression may produce.

A gzip bomb (a few kilobytes that inflate to gigabytes) is stopped by two caps, whichever
comes first: an absolute one (``max_bytes``) and a ratio to the compressed size
(``max_ratio``; real exports compress 5-20 times, a bomb a thousand times and more).
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Any

from rejoinder.imports.records import Position

GZIP_MAGIC = b"\x1f\x8b"
DEFAULT_MAX_BYTES = 16 * 1024**3
DEFAULT_MAX_RATIO = 100
_SLACK = 16 * 1024**2  # small files may compress well: the ratio applies above this


class BadInput(Exception):
    """The file cannot be imported (or not further than ``position``)."""

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at {self.position})" if self.position else self.message


class CappedReader(io.RawIOBase):
    """A binary stream that refuses to produce more than ``limit`` bytes."""

    def __init__(self, inner: Any, limit: int) -> None:
        self._inner = inner
        self._limit = limit
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        try:
            data = self._inner.read(len(view))
        except (OSError, EOFError) as error:  # a damaged or truncated gzip stream
            raise BadInput(f"the compressed file is damaged or truncated: {error}") from None
        self.produced += len(data)
        if self.produced > self._limit:
            raise BadInput(
                f"the file inflates to more than {self._limit:,} bytes: refused as a "
                "decompression bomb (raise --max-bytes if it is a real export)"
            )
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class Input:
    """An open import file: ``stream`` to parse, and how far into the file it has read."""

    def __init__(self, stream: IO[bytes], raw: IO[bytes], size: int) -> None:
        self.stream = stream
        self.size = size
        self._raw = raw

    def consumed(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self.stream.close()
        self._raw.close()


def open_input(
    path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, max_ratio: int = DEFAULT_MAX_RATIO
) -> Input:
    """The file's bytes, decompressed when it is gzip (by its magic number, not its name)."""
    file = Path(path)
    try:
        raw = file.open("rb")
        size = file.stat().st_size
    except OSError as error:
        raise BadInput(f"cannot open {file}: {error.strerror or error}") from None
    head = raw.read(2)
    raw.seek(0)
    if head != GZIP_MAGIC:
        if size > max_bytes:
            raise BadInput(f"the file is larger than {max_bytes:,} bytes (--max-bytes)")
        return Input(raw, raw, size)
    limit = min(max_bytes, size * max_ratio + _SLACK)
    capped = CappedReader(gzip.GzipFile(fileobj=raw, mode="rb"), limit)
    return Input(io.BufferedReader(capped), raw, size)


def sniff_text(stream: IO[bytes]) -> str:
    """The encoding of a text (JSON) stream from its byte-order mark; UTF-8 otherwise."""
    peek = stream.peek(4)[:4] if isinstance(stream, io.BufferedReader) else b""
    if peek.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if peek.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    return "utf-8"
