"""Isso's SQLite database (``threads`` and ``comments`` tables), read with the standard
``sqlite3`` module, read-only. ``mode`` 1 is published, 2 held, 4 deleted (Isso keeps a
deleted comment that has replies, its text and author cleared); any other mode is held.
Comments are Markdown, rendered like our own.

The schema grew over Isso's versions (``notification`` was added by ``ALTER TABLE``; a
database written by another tool may lack ``modified``, ``email`` or ``website``), so the
columns are read by name, and a missing one reads as empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from rejoinder.imports.records import Author, Comment, Position, Problem, Record, Thread
from rejoinder.imports.source import BadInput


def parse(stream: IO[bytes], path: str) -> Iterator[Record]:
    head = stream.read(16)
    if head != b"SQLite format 3\x00":
        raise BadInput("not an Isso database: the file is not SQLite", Position(line=1))
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        raise BadInput(f"cannot open the Isso database: {error}") from None
    try:
        yield from _records(db)
    except sqlite3.DatabaseError as error:
        raise BadInput(f"the Isso database is damaged or not Isso's: {error}") from None
    finally:
        db.close()


def _moment(value: object) -> datetime | None:
    if isinstance(value, str):  # SQLite keeps what it was given: a migrated row may be text
        try:
            value = float(value)
        except ValueError:
            return None
    if not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


_THREAD_COLUMNS = ("id", "uri", "title")
_COMMENT_COLUMNS = (
    "tid", "id", "parent", "created", "modified", "mode", "text", "author", "email", "website"
)  # fmt: skip
_REQUIRED = {"threads": {"id", "uri"}, "comments": {"tid", "id", "created"}}


def _select(db: sqlite3.Connection, table: str, wanted: tuple[str, ...]) -> str:
    """``SELECT`` of the wanted columns the table has (NULL for the others)."""
    have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    if not have:
        raise BadInput(f"not an Isso database: it has no {table!r} table", Position(line=1))
    missing = _REQUIRED[table] - have
    if missing:
        raise BadInput(
            f"not an Isso database: table {table!r} has no " + ", ".join(sorted(missing)),
            Position(line=1),
        )
    columns = ", ".join(name if name in have else "NULL" for name in wanted)
    return f"SELECT {columns} FROM {table} ORDER BY id"  # noqa: S608 - names are ours


def _records(db: sqlite3.Connection) -> Iterator[Record]:
    threads = _select(db, "threads", _THREAD_COLUMNS)
    comments = _select(db, "comments", _COMMENT_COLUMNS)
    for number, (tid, uri, title) in enumerate(db.execute(threads), start=1):
        yield Thread(
            source_id=str(tid),
            url=uri,
            title=title or "",
            position=Position(record=number),
        )
    for number, row in enumerate(db.execute(comments), start=1):
        tid, cid, parent, created, modified, mode, body, author, email, website = row
        position = Position(record=number)
        moment = _moment(created)
        if moment is None:
            yield Problem(f"comment {cid} has no readable date: skipped", position, comment=True)
            continue
        yield Comment(
            source_id=str(cid),
            thread_id=str(tid),
            created_at=moment,
            author=Author(name=author or "", email=email or None, url=website or None),
            parent_id=str(parent) if parent is not None else None,
            text=body or "",
            deleted=mode == 4,
            pending=mode not in {1, 4},
            edited_at=_moment(modified),
            position=position,
        )
