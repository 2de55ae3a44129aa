"""Writing a batch of comments in one transaction, through ``rejoinder.storage``.

A batch is committed whole or not at all: its comments, their source ids, the authors and
stories they need, the counters they change and one ``comments.imported`` event per story.
Parents are resolved here: from this batch (inserted in rounds, parents first) or from what
earlier batches and earlier runs stored (``import_sources``). A comment whose parent is
nowhere yet is handed back to wait for it (parents may come after their children).
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
from rejoinder.events.catalogue import CommentsImported, StoryCreated
from rejoinder.imports.authors import AuthorBook, key_of
from rejoinder.imports.bulk import insert_returning_ids, insert_rows
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
    """A comment ready for a batch, with its story."""

    comment: Comment
    target: Target
    tombstone: bool = False
    orphan: bool = False


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
    """Writes batches for one run (``dry``: reads only, counts what it would write)."""

    site_id: str
    system: str
    run_id: str
    max_depth: int
    authors: AuthorBook
    skipped_ids: set[str]
    dry: bool = False
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
        parents = {i.comment.parent_id for i in items if i.comment.parent_id is not None}
        known = await self._lookup(conn, [*sids, *(parents - set(sids))])
        fresh = self._fresh(items, known, out)
        placed = {sid: (found[0], found[1]) for sid, found in known.items()}
        await self.authors.resolve(
            conn if not self.dry else None,
            (item.comment.author for item in fresh),
            now,
            lookup=conn,
        )
        await self._stories(conn, fresh, now, out)
        remaining = fresh
        while remaining:
            unplaced = {item.comment.source_id for item in remaining}
            ready: list[Item] = []
            later: list[Item] = []
            for item in remaining:
                parent = item.comment.parent_id
                if parent is None or parent in placed or item.orphan:
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
            await self._insert(conn, ready, placed, now, out)
            remaining = later
        if tx is not None and not self.dry:
            self._emit(tx, fresh, out)
        return out

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
        """Stories created, and one ``comments.imported`` per story the batch touched."""
        for target in out.created:
            assert target.story_id is not None
            tx.emit(
                StoryCreated(
                    story_id=target.story_id, site_id=self.site_id, story_key=target.story_key
                )
            )
        keys = {t.story_id: t.story_key for t in (i.target for i in fresh)}
        for story_id, count in out.per_story.items():
            tx.emit(
                CommentsImported(
                    story_id=story_id,
                    site_id=self.site_id,
                    story_key=keys[story_id],
                    count=count,
                    system=self.system,
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
        rows = [
            {
                "site_id": self.site_id,
                "story_key": t.story_key,
                "title": t.title[:500],
                "url": t.url[:2000],
                "status": "closed" if t.closed else "open",
                "published_at": t.created_at,
                "created_by": "import",
                "created_at": t.created_at or now,
                "updated_at": now,
            }
            for t in targets
        ]
        ids = await insert_returning_ids(conn, stories, STORY_COLUMNS, rows)
        for target, story_id in zip(targets, ids, strict=True):
            target.story_id = story_id
        out.created.extend(targets)

    def _row(self, item: Item, placed: dict[str, tuple[int, int]], now: datetime) -> dict[str, Any]:
        comment = item.comment
        parent = None if item.orphan else placed.get(comment.parent_id or "")
        depth = min(parent[1] + 1, self.max_depth) if parent is not None else 0
        key = key_of(comment.author, self.system)
        body, body_html = ("", "") if item.tombstone else bodies(comment)
        assert item.target.story_id is not None
        return {
            "story_id": item.target.story_id,
            "parent_id": parent[0] if parent is not None else None,
            "depth": depth,
            "account_id": self.authors.known.get(key) if key is not None else None,
            "body": body,
            "body_html": body_html,
            "status": "pending" if comment.pending and not item.tombstone else "published",
            "moderation_phase": "import",
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "deleted_at": comment.created_at if item.tombstone else None,
            "updated_at": now,
        }

    async def _insert(
        self,
        conn: Connection,
        ready: list[Item],
        placed: dict[str, tuple[int, int]],
        now: datetime,
        out: Outcome,
    ) -> None:
        rows = [self._row(item, placed, now) for item in ready]
        depths = [row["depth"] for row in rows]
        if self.dry:
            base = -1 - len(self.dry_placed)
            ids = [base - i for i in range(len(rows))]
        else:
            ids = await insert_returning_ids(conn, comments, COMMENT_COLUMNS, rows)
        story_bumps: Counter[int] = Counter()
        parent_bumps: Counter[int] = Counter()
        sources = []
        for item, row, comment_id, depth in zip(ready, rows, ids, depths, strict=True):
            sid = item.comment.source_id
            placed[sid] = out.placed[sid] = (comment_id, depth)
            if self.dry:
                self.dry_placed[sid] = (comment_id, depth)
            out.imported += 1
            out.held += row["status"] == "pending"
            out.tombstones += item.tombstone
            if item.orphan:
                out.orphans.append(item)
            if row["status"] == "published":
                if not item.tombstone:
                    story_bumps[row["story_id"]] += 1
                if row["parent_id"] is not None:
                    parent_bumps[row["parent_id"]] += 1
            out.per_story[row["story_id"]] += 1
            sources.append(
                {
                    "site_id": self.site_id,
                    "system": self.system,
                    "source_id": sid,
                    "comment_id": comment_id,
                    "run_id": self.run_id,
                    "imported_at": now,
                }
            )
        if self.dry or not rows:
            return
        await insert_rows(conn, import_sources, SOURCE_COLUMNS, sources)
        if story_bumps:
            await conn.execute(
                BUMP_STORY, [{"story_id": k, "delta": v} for k, v in story_bumps.items()]
            )
        if parent_bumps:
            await conn.execute(
                BUMP_PARENT, [{"parent_id": k, "delta": v} for k, v in parent_bumps.items()]
            )
