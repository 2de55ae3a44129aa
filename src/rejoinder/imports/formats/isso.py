"""Isso's SQLite database (``threads`` and ``comments`` tables), read with the standard
``sqlite3`` module, read-only. ``mode`` 1 is published, 2 held, 4 deleted (Isso keeps a
deleted comment that has replies). Comments are Markdown, rendered like our own."""

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
    if not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _records(db: sqlite3.Connection) -> Iterator[Record]:
    for number, (tid, uri, title) in enumerate(
        db.execute("SELECT id, uri, title FROM threads ORDER BY id"), start=1
    ):
        yield Thread(
            source_id=str(tid),
            url=uri,
            title=title or "",
            position=Position(record=number),
        )
    query = (
        "SELECT tid, id, parent, created, modified, mode, text, author, email, website "
        "FROM comments ORDER BY id"
    )
    for number, row in enumerate(db.execute(query), start=1):
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
            pending=mode == 2,
            edited_at=_moment(modified),
            position=position,
        )
