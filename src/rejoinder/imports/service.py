"""``import_file``: one import run, from a file to a report.

The parser streams records; threads are matched to stories as they arrive (``mapping``);
comments gather into batches that ``writer`` commits one transaction each, while the file is
read on: one batch is written while the next is parsed (a batch's outcome is applied before
the next one is handed over, so the order of events is that of a one-at-a-time run). Two
things wait
in memory, both small in real exports: deleted comments, until a reply shows they must stay
as tombstones (the rest are skipped at the end), and replies whose parent has not been seen
yet (at the end, those whose parent never came are imported at the top level as orphans).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from rejoinder.imports.authors import AuthorBook, author_key
from rejoinder.imports.formats import PARSERS
from rejoinder.imports.heap import collector_set_aside
from rejoinder.imports.indexes import build_indexes, drop_indexes
from rejoinder.imports.mapping import Rule, StoryIndex, story_key_for, story_url_for
from rejoinder.imports.records import (
    SKIP_DELETED,
    SKIP_DUPLICATE,
    SKIP_NO_STORY,
    SKIP_UNREADABLE,
    Comment,
    Record,
    Thread,
)
from rejoinder.imports.report import Report
from rejoinder.imports.source import BadInput, Input, open_input
from rejoinder.imports.writer import ANALYZE, BatchWriter, Item, Outcome, Placements, Target
from rejoinder.kernel.clock import Clock
from rejoinder.profiles.policy import NamePolicy
from rejoinder.settings import Settings
from rejoinder.storage.database import Connection, Database, Transaction
from rejoinder.stories.models import stories

Progress = Callable[[Report, Input], None]


@dataclass(slots=True)
class Options:
    format: str
    path: str
    site: str
    rules: list[Rule] = field(default_factory=list)
    create_stories: bool = False
    dry_run: bool = False
    batch_size: int = 2000
    max_bytes: int | None = None
    defer_indexes: bool = False


async def load_index(db: Database, site_id: str) -> StoryIndex:
    index = StoryIndex()
    async with db.read() as conn:
        rows = await conn.execute(
            select(stories.c.id, stories.c.story_key, stories.c.url).where(
                stories.c.site_id == site_id
            )
        )
    for row in rows:
        index.add(int(row.id), row.story_key, row.url)
    return index


class Importer:
    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        names: NamePolicy,
        clock: Clock,
        options: Options,
        index: StoryIndex,
    ) -> None:
        self.db = db
        self.clock = clock
        self.options = options
        self.index = index
        self.report = Report(format=options.format, site=options.site, dry_run=options.dry_run)
        self.threads: dict[str, Target | None] = {}
        self.thread_urls: dict[str, str] = {}
        self.planned: dict[str, Target] = {}
        self.keys_by_id = {story_id: key for key, story_id in index.by_key.items()}
        self.commented: set[str] = set()  # threads with at least one comment in the file
        self.skipped_ids: set[str] = set()
        self.deleted: dict[str, Item] = {}
        self.waiting: dict[str, list[Item]] = {}
        self.batch: list[Item] = []
        self.recent = Placements()
        self._pending: asyncio.Future[Outcome] | None = None  # the batch being written
        self.authors = AuthorBook(
            options.site, options.format, names, settings.accounts.default_plan
        )
        self.writer = BatchWriter(
            site_id=options.site,
            system=options.format,
            run_id=uuid.uuid4().hex,
            max_depth=settings.comments.max_depth,
            authors=self.authors,
            skipped_ids=self.skipped_ids,
            dry=options.dry_run,
            recent=self.recent,
        )
        self.seen_authors: set[str] = set()
        self._unmatched: set[str] = set()

    # -- records ----------------------------------------------------------------------------

    async def record(self, record: Record) -> bool:
        """Take one parsed record; False when it stops the file (a fatal problem)."""
        if isinstance(record, Comment):
            await self.comment(record)
        elif isinstance(record, Thread):
            self.thread(record)
        else:
            report = self.report
            report.problem(record.message, record.position)
            if record.comment:
                report.comments_seen += 1
                report.skipped[SKIP_UNREADABLE] += 1
            if record.fatal:
                report.stopped = str(BadInput(record.message, record.position))
                return False
        return True

    def thread(self, thread: Thread) -> None:
        report = self.report
        report.threads_seen += 1
        rules = self.options.rules
        self.thread_urls[thread.source_id] = thread.url or thread.identifier or thread.source_id
        story_id, how = self.index.match(thread.url, thread.identifier, rules)
        key = None
        if story_id is None:
            key = story_key_for(
                thread.url, thread.identifier, rules, f"{self.options.format}-{thread.source_id}"
            )
            if key in self.index.by_key:
                story_id, how = self.index.by_key[key], "identifier"
        if story_id is not None:
            report.threads_matched[how] += 1
            self.threads[thread.source_id] = self._existing(story_id)
            return
        assert key is not None
        if not self.options.create_stories:
            self.threads[thread.source_id] = None
            return
        target = self.planned.get(key)
        if target is None:
            target = self.planned[key] = Target(
                story_key=key,
                url=story_url_for(thread.url, rules),
                title=thread.title,
                created_at=thread.created_at,
                closed=thread.closed,
            )
        self.threads[thread.source_id] = target

    def _existing(self, story_id: int) -> Target:
        target = self.planned.get(f"#{story_id}")
        if target is None:
            key = self.keys_by_id[story_id]
            target = self.planned[f"#{story_id}"] = Target(story_key=key, story_id=story_id)
        return target

    async def comment(self, comment: Comment) -> None:
        report = self.report
        report.comments_seen += 1
        sid = comment.source_id
        self.commented.add(comment.thread_id)
        if comment.thread_id not in self.threads:
            report.skipped[SKIP_UNREADABLE] += 1
            report.problem(
                f"comment {sid} names thread {comment.thread_id}, which the file does not "
                "have: skipped",
                comment.position,
            )
            return
        if comment.skip is not None:
            report.skipped[comment.skip] += 1
            self.skipped_ids.add(sid)
            return
        target = self.threads[comment.thread_id]
        if target is None:
            report.skipped[SKIP_NO_STORY] += 1
            self.skipped_ids.add(sid)
            url = self.thread_urls[comment.thread_id]
            if url not in self._unmatched:
                self._unmatched.add(url)
                report.threads_unmatched.append(url)
            return
        key = None
        if comment.author is not None:
            key = author_key(comment.author, self.options.format)
            self.seen_authors.add(key)
        item = Item(comment, target, author_key=key)
        if comment.deleted:
            if sid in self.waiting:  # a reply came first: it stays, as a tombstone
                item.tombstone = True
                await self._ready(item)
            else:
                self.deleted[sid] = Item(
                    Comment(
                        source_id=sid,
                        thread_id=comment.thread_id,
                        created_at=comment.created_at,
                        author=comment.author,
                        parent_id=comment.parent_id,
                        deleted=True,
                        position=comment.position,
                    ),
                    target,
                    tombstone=True,
                    author_key=key,
                )
            return
        await self._ready(item)

    async def _ready(self, item: Item) -> None:
        self._release(item)
        if len(self.batch) >= self.options.batch_size:
            await self.hand_over()

    def _release(self, item: Item) -> None:
        """Into the batch, after its parent when that is a deleted comment held back: a
        deleted comment with a reply stays, as a tombstone."""
        parent = item.comment.parent_id
        if parent is not None and parent in self.deleted:
            self._release(self.deleted.pop(parent))
        self.batch.append(item)

    # -- batches ----------------------------------------------------------------------------

    async def hand_over(self) -> None:
        """Start writing the batch, once the one before it has committed and been applied."""
        await self.settle()
        if self.batch:
            items, self.batch = self.batch, []
            now = self.clock.now()
            if self.options.dry_run:
                work = self.db.run_read(self._dry, items, now)
            else:
                work = self.db.run_write(self._write, items, now)
            self._pending = asyncio.ensure_future(work)

    async def settle(self) -> None:
        """Wait for the batch being written, and apply what it did."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._apply(await pending)

    async def settle_quietly(self) -> None:
        """``settle`` when the run stops early: the batch handed over completes (or fails
        whole); a failure is reported, not raised."""
        try:
            await self.settle()
        except (SQLAlchemyError, UnicodeError) as error:
            if self.report.stopped is None:
                self.report.stopped = f"{type(error).__name__}: {error}"

    async def flush(self) -> None:
        """Write everything gathered, until nothing is left to write."""
        await self.hand_over()
        while self._pending is not None:
            await self.hand_over()

    async def _write(self, tx: Transaction, items: list[Item], now: datetime) -> Outcome:
        return await self.writer.run(tx.conn, tx, items, now)

    async def _dry(self, conn: Connection, items: list[Item], now: datetime) -> Outcome:
        return await self.writer.run(conn, None, items, now)

    def _apply(self, outcome: Outcome) -> None:
        report = self.report
        report.batches += 1
        report.imported += outcome.imported
        report.held += outcome.held
        report.tombstones += outcome.tombstones
        report.already_imported += outcome.already
        report.threads_created += len(outcome.created)
        for item in outcome.duplicates:
            report.skipped[SKIP_DUPLICATE] += 1
            report.problem(
                f"comment id {item.comment.source_id} appears twice in the file: the later "
                "one is skipped",
                item.comment.position,
            )
        for item in outcome.orphans:
            report.orphan(item.comment.source_id, item.comment.position)
        for item in outcome.waiting:
            parent = item.comment.parent_id or ""
            if parent in self.deleted:  # the deleted parent came after its reply
                self._release(item)
            else:
                self.waiting.setdefault(parent, []).append(item)
        for sid in outcome.placed:
            children = self.waiting.pop(sid, None)
            if children:
                self.batch.extend(children)

    async def finish(self) -> None:
        await self.flush()
        while self.waiting:
            waiting_ids = {i.comment.source_id for items in self.waiting.values() for i in items}
            roots = [parent for parent in self.waiting if parent not in waiting_ids]
            for parent in roots or list(self.waiting):
                for item in self.waiting.pop(parent):
                    item.orphan = True
                    self.batch.append(item)
            await self.flush()
        self.report.skipped[SKIP_DELETED] += len(self.deleted)
        self.deleted.clear()

    def close_report(self) -> None:
        report = self.report
        report.threads_empty = len(set(self.threads) - self.commented)
        report.authors_seen = len(self.seen_authors)
        report.authors_new = self.authors.created
        report.names_reserved = self.authors.reserved
        report.skipped = +report.skipped  # drop zero counts


async def import_file(
    db: Database,
    settings: Settings,
    names: NamePolicy,
    clock: Clock,
    options: Options,
    *,
    progress: Progress | None = None,
) -> Report:
    """Run one import; never raises for bad input (the report says what stopped it)."""
    parse = PARSERS[options.format]
    index = await load_index(db, options.site)
    importer = Importer(
        db=db, settings=settings, names=names, clock=clock, options=options, index=index
    )
    report = importer.report
    try:
        source = (
            open_input(options.path, max_bytes=options.max_bytes)
            if options.max_bytes
            else open_input(options.path)
        )
    except BadInput as error:
        report.stopped = str(error)
        return report
    async with db.bulk_writes():
        with collector_set_aside():
            deferred = options.defer_indexes and not options.dry_run
            try:
                if not options.dry_run:
                    # With the flag, the indexes go; without it, any a killed run left missing
                    # come back first.
                    await (drop_indexes(db) if deferred else build_indexes(db))
                await _read(importer, parse(source.stream, options.path), source, progress)
            except (SQLAlchemyError, UnicodeError) as error:
                report.stopped = f"{type(error).__name__}: {error}"
            finally:
                await importer.settle_quietly()
                source.close()
                if deferred:
                    await _rebuild(db, report)
                importer.close_report()
                if progress is not None:
                    progress(report, source)
    return report


async def _read(
    importer: Importer, records: Iterator[Record], source: Input, progress: Progress | None
) -> None:
    report = importer.report
    try:
        for count, record in enumerate(records):
            if not await importer.record(record):
                return
            if count % 32 == 0:
                # Let the batch being written move on (PostgreSQL's round trips run on this
                # loop; SQLite's writer has its own thread).
                await asyncio.sleep(0)
            if progress is not None and report.comments_seen % 1000 == 0:
                progress(report, source)
        await importer.finish()
    except BadInput as error:
        report.stopped = str(error)


async def _rebuild(db: Database, report: Report) -> None:
    """The deferred indexes, built again (even after a failure: the site needs them)."""
    started = time.perf_counter()
    try:
        await build_indexes(db)
        await db.run_write(_analyze)
    except SQLAlchemyError as error:
        failed = (
            f"the comments' indexes could not be rebuilt ({type(error).__name__}: {error}): "
            "run the import again to rebuild them"
        )
        report.stopped = f"{report.stopped}; {failed}" if report.stopped else failed
    report.indexes_seconds = time.perf_counter() - started


async def _analyze(tx: Transaction) -> None:
    for statement in ANALYZE:
        await tx.conn.execute(statement)
