"""Writing a batch of comments in one transaction, through ``rejoinder.storage``.

A batch is committed whole or not at all: its comments, their source ids, the authors and
stories they need, the counters they change, the ``story.created`` events and one
``comments.imported`` event for the batch. Parents are resolved here, in memory where they
can be: from this batch, from the run's recent placements (``Placements``), else from what
earlier batches and runs stored (``import_sources``). A comment whose parent is nowhere yet
is handed back to wait for it (parents may come after their children).

Rows are written with ``Connection.copy`` (``executemany`` on SQLite, ``COPY`` on
PostgreSQL) under ids reserved first (``Connection.reserve_ids``), so a reply's
``parent_id`` is known before anything is inserted: one statement per table and batch, the
batch's rows ordered parents first.
"""

from __future__ import annotations

import html as htmllib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text

from rejoinder.comments.models import comments
from rejoinder.comments.render import clean_text, render, sanitise
from rejoinder.comments.rules import BUMP_PARENT, BUMP_STORY
from rejoinder.events.catalogue import CommentsImported, ImportedStory, StoryCreated
from rejoinder.imports.authors import AuthorBook
from rejoinder.imports.models import import_sources
from rejoinder.imports.records import Comment
from rejoinder.storage.database import Connection, Transaction
from rejoinder.storage.statements import defined
from rejoinder.stories.models import stories

LOOKUP = defined(
    select(
        import_sources.c.source_id,
        import_sources.c.comment_id,
        import_sources.c.run_id,
        comments.c.depth,
    )
    .join(comments, comments.c.id == import_sources.c.comment_id)
    .where(
        import_sources.c.site_id == bindparam("site_id"),
        import_sources.c.system == bindparam("system"),
        import_sources.c.source_id.in_(bindparam("ids", expanding=True)),
    )
)
SOURCE_COLUMNS = ("site_id", "system", "source_id", "comment_id", "run_id", "imported_at")
COMMENT_COLUMNS = (
    "id",
    "story_id",
    "parent_id",
    "depth",
    "account_id",
    "body",
    "body_html",
    "status",
    "moderation_phase",
    "created_at",
    "edited_at",
    "deleted_at",
    "updated_at",
)
STORY_COLUMNS = (
    "id",
    "site_id",
    "story_key",
    "title",
    "url",
    "status",
    "published_at",
    "created_by",
    "created_at",
    "updated_at",
)
_TAGS = re.compile(r"<[^>]+>")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u2028-\u202e\u2066-\u2069\ufeff]")
_BLANKS = re.compile(r"\n\s*\n(\s*\n)+")
_LOOKUP_CHUNK = 500
ANALYZE = (text("ANALYZE import_sources"), text("ANALYZE comments"))
_ANALYZE_AT = frozenset(4**n for n in range(1, 12))  # batches 4, 16, 64, 256, ...


class Placements:
    """Where this run put recent source ids (sid → (comment id, depth)), kept in memory so
    that most parents need no look-up: two generations of ``size`` entries each, the older
    dropped whole when the newer fills (memory stays flat; a parent older than that is found
    in ``import_sources``)."""

    __slots__ = ("_new", "_old", "size")

    def __init__(self, size: int = 16_384) -> None:
        self.size = size
        self._new: dict[str, tuple[int, int]] = {}
        self._old: dict[str, tuple[int, int]] = {}

    def get(self, sid: str) -> tuple[int, int] | None:
        found = self._new.get(sid)
        return found if found is not None else self._old.get(sid)

    def __contains__(self, sid: object) -> bool:
        return sid in self._new or sid in self._old

    def update(self, placed: dict[str, tuple[int, int]]) -> None:
        for sid, where in placed.items():
            if len(self._new) >= self.size:
                self._old, self._new = self._new, {}
            self._new[sid] = where


@dataclass(slots=True)
class Target:
    """The story a thread's comments go to: found, or to be created (``story_id`` None)."""

    story_key: str
    story_id: int | None = None
    url: str = ""
    title: str = ""
    created_at: datetime | None = None
    closed: bool = False


@dataclass(slots=True)
class Item:
    """A comment ready for a batch, with its story and its author's key (``author_key``,
    None without an author)."""

    comment: Comment
    target: Target
    tombstone: bool = False
    orphan: bool = False
    author_key: str | None = None


@dataclass(slots=True)
class Outcome:
    """What one batch did; applied to the run's state only once it committed."""

    placed: dict[str, tuple[int, int]] = field(default_factory=dict)  # sid → (id, depth)
    waiting: list[Item] = field(default_factory=list)
    orphans: list[Item] = field(default_factory=list)
    duplicates: list[Item] = field(default_factory=list)
    already: int = 0
    imported: int = 0
    held: int = 0
    tombstones: int = 0
    created: list[Target] = field(default_factory=list)
    per_story: Counter[int] = field(default_factory=Counter)


def text_of(html: str) -> str:
    """The plain text of sanitised HTML (the stored ``body`` of an imported comment). The
    HTML is already clean; only what unescaping may bring back (controls) goes: a regex, as
    ``clean_text``'s per-character loop cost more than the rest of an import together."""
    spaced = html.replace("</p>", "\n\n").replace("<br>", "\n")
    text = _CONTROLS.sub("", htmllib.unescape(_TAGS.sub("", spaced)))
    return _BLANKS.sub("\n\n", text.replace("\r", "")).strip()


def bodies(comment: Comment) -> tuple[str, str]:
    """(body, body_html): source HTML through our sanitiser, or text through our Markdown."""
    if comment.html is not None:
        safe = sanitise(comment.html)
        return text_of(safe), safe
    text = clean_text(comment.text or "")
    return text, render(text)


@dataclass(slots=True)
class BatchWriter:
    """Writes batches for one run (``dry``: reads only, counts what it would write).

    ``recent`` is only read here: the run adds a batch's placements once it has committed.
    """

    site_id: str
    system: str
    run_id: str
    max_depth: int
    authors: AuthorBook
    skipped_ids: set[str]
    dry: bool = False
    recent: Placements = field(default_factory=Placements)
    # A dry run writes nothing, so what it "placed" is remembered here instead.
    dry_placed: dict[str, tuple[int, int]] = field(default_factory=dict)

    batches: int = 0

    async def run(
        self, conn: Connection, tx: Transaction | None, items: list[Item], now: datetime
    ) -> Outcome:
        out = Outcome()
        self.batches += 1
        if not self.dry and self.batches in _ANALYZE_AT:
            # The tables grow from nothing during an import: without fresh statistics
            # PostgreSQL keeps planning the look-ups below for empty tables (sequential scans,
            # seconds a batch by the 100th). ANALYZE is the same statement on both databases.
            for statement in ANALYZE:
                await conn.execute(statement)
        sids = [item.comment.source_id for item in items]
        own = set(sids)
        recent = self.recent
        parents = {
            parent
            for item in items
            if (parent := item.comment.parent_id) is not None
            and parent not in own
            and parent not in recent
        }
        known = await self._lookup(conn, [*sids, *parents])
        fresh = self._fresh(items, known, out)
        placed = {sid: (found[0], found[1]) for sid, found in known.items()}
        await self.authors.resolve(
            conn if not self.dry else None,
            (
                (item.author_key, item.comment.author)
                for item in fresh
                if item.author_key is not None and item.comment.author is not None
            ),
            now,
            lookup=conn,
        )
        await self._stories(conn, fresh, now, out)
        ordered = self._order(fresh, placed, out)
        await self._insert(conn, ordered, placed, now, out)
        if tx is not None and not self.dry:
            self._emit(tx, fresh, out)
        return out

    def _order(
        self, fresh: list[Item], placed: dict[str, tuple[int, int]], out: Outcome
    ) -> list[Item]:
        """The batch's comments that can go in now, each after its parent; the others (their
        parent is nowhere yet) into ``out.waiting``."""
        recent = self.recent
        ordered: list[Item] = []
        local: set[str] = set()
        remaining = fresh
        while remaining:
            unplaced = {item.comment.source_id for item in remaining}
            ready: list[Item] = []
            later: list[Item] = []
            for item in remaining:
                parent = item.comment.parent_id
                if (
                    parent is None
                    or item.orphan
                    or parent in placed
                    or parent in local
                    or parent in recent
                ):
                    ready.append(item)
                elif parent in unplaced:
                    later.append(item)
                elif parent in self.skipped_ids:
                    item.orphan = True  # its parent was spam, trash or a pingback
                    ready.append(item)
                else:
                    out.waiting.append(item)
            if not ready:  # a cycle of parents: break it at the top level
                for item in later:
                    item.orphan = True
                ready, later = later, []
            ordered.extend(ready)
            local.update(item.comment.source_id for item in ready)
            remaining = later
        return ordered

    def _fresh(
        self, items: list[Item], known: dict[str, tuple[int, int, str]], out: Outcome
    ) -> list[Item]:
        """The items not imported before; duplicates (in this file) and earlier imports out."""
        fresh: list[Item] = []
        seen: set[str] = set()
        for item in items:
            sid = item.comment.source_id
            found = known.get(sid)
            if sid in seen or (found is not None and found[2] == self.run_id):
                out.duplicates.append(item)
            elif found is not None:
                out.already += 1
            else:
                fresh.append(item)
            seen.add(sid)
        return fresh

    def _emit(self, tx: Transaction, fresh: list[Item], out: Outcome) -> None:
        """Stories created, and one ``comments.imported`` naming the stories of the batch."""
        for target in out.created:
            assert target.story_id is not None
            tx.emit(
                StoryCreated(
                    story_id=target.story_id, site_id=self.site_id, story_key=target.story_key
                )
            )
        if not out.per_story:
            return
        keys = {t.story_id: t.story_key for t in (i.target for i in fresh)}
        tx.emit(
            CommentsImported(
                site_id=self.site_id,
                count=out.imported,
                system=self.system,
                stories=[
                    ImportedStory(story_id=story_id, story_key=keys[story_id], count=count)
                    for story_id, count in out.per_story.items()
                ],
            )
        )

    async def _lookup(self, conn: Connection, ids: list[str]) -> dict[str, tuple[int, int, str]]:
        found: dict[str, tuple[int, int, str]] = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            params = {"site_id": self.site_id, "system": self.system, "ids": chunk}
            for row in await conn.execute(LOOKUP, params):
                found[row.source_id] = (int(row.comment_id), int(row.depth), row.run_id)
        if self.dry:
            for sid in ids:
                if sid in self.dry_placed and sid not in found:
                    comment_id, depth = self.dry_placed[sid]
                    found[sid] = (comment_id, depth, self.run_id)
        return found

    async def _stories(
        self, conn: Connection, items: list[Item], now: datetime, out: Outcome
    ) -> None:
        new: dict[int, Target] = {}
        for item in items:
            if item.target.story_id is None:
                new.setdefault(id(item.target), item.target)
        if not new:
            return
        targets = list(new.values())
        if self.dry:
            for target in targets:
                target.story_id = -1 - len(out.created)
                out.created.append(target)
            return
        ids = await conn.reserve_ids(stories, len(targets))
        rows = [
            (
                story_id,
                self.site_id,
                t.story_key,
                t.title[:500],
                t.url[:2000],
                "closed" if t.closed else "open",
                t.created_at,
                "import",
                t.created_at or now,
                now,
            )
            for t, story_id in zip(targets, ids, strict=True)
        ]
        await conn.copy(stories, STORY_COLUMNS, rows)
        for target, story_id in zip(targets, ids, strict=True):
            target.story_id = story_id
        out.created.extend(targets)

    def _row(
        self, item: Item, comment_id: int, placed: dict[str, tuple[int, int]], now: datetime
    ) -> tuple[Any, ...]:
        """The ``comments`` row of ``item`` (``COMMENT_COLUMNS``), its parent placed before."""
        comment = item.comment
        parent = None
        if not item.orphan and comment.parent_id is not None:
            parent = placed.get(comment.parent_id) or self.recent.get(comment.parent_id)
        key = item.author_key
        tombstone = item.tombstone
        body, body_html = ("", "") if tombstone else bodies(comment)
        assert item.target.story_id is not None
        return (
            comment_id,
            item.target.story_id,
            parent[0] if parent is not None else None,
            min(parent[1] + 1, self.max_depth) if parent is not None else 0,
            self.authors.known.get(key) if key is not None else None,
            body,
            body_html,
            "pending" if comment.pending and not tombstone else "published",
            "import",
            comment.created_at,
            comment.edited_at,
            comment.created_at if tombstone else None,
            now,
        )

    async def _insert(
        self,
        conn: Connection,
        ordered: list[Item],
        placed: dict[str, tuple[int, int]],
        now: datetime,
        out: Outcome,
    ) -> None:
        """The rows of ``ordered`` (parents before their replies), under reserved ids."""
        if not ordered:
            return
        if self.dry:
            base = -1 - len(self.dry_placed)
            ids = [base - i for i in range(len(ordered))]
        else:
            ids = await conn.reserve_ids(comments, len(ordered))
        story_bumps: Counter[int] = Counter()
        parent_bumps: Counter[int] = Counter()
        rows: list[tuple[Any, ...]] = []
        sources: list[tuple[Any, ...]] = []
        for item, comment_id in zip(ordered, ids, strict=True):
            sid = item.comment.source_id
            row = self._row(item, comment_id, placed, now)
            story_id, parent_id, depth, status = row[1], row[2], row[3], row[7]
            rows.append(row)
            sources.append((self.site_id, self.system, sid, comment_id, self.run_id, now))
            placed[sid] = out.placed[sid] = (comment_id, depth)
            out.imported += 1
            out.tombstones += item.tombstone
            if item.orphan:
                out.orphans.append(item)
            if status == "published":
                if not item.tombstone:
                    story_bumps[story_id] += 1
                if parent_id is not None:
                    parent_bumps[parent_id] += 1
            else:
                out.held += 1
            out.per_story[story_id] += 1
        if self.dry:
            self.dry_placed.update(out.placed)
            return
        await conn.copy(comments, COMMENT_COLUMNS, rows)
        await conn.copy(import_sources, SOURCE_COLUMNS, sources)
        if story_bumps:
            await conn.execute(
                BUMP_STORY, [{"story_id": k, "delta": v} for k, v in story_bumps.items()]
            )
        if parent_bumps:
            await conn.execute(
                BUMP_PARENT, [{"parent_id": k, "delta": v} for k, v in parent_bumps.items()]
            )
