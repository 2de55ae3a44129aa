"""The bulk path of an import (issue 11, "Fast, and measured"): rows copied under reserved
ids, stored exactly as the rest of the service stores them; deferred indexes; the batch event."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import String, bindparam, func, select, text

from factories import make_story
from imports.support import FIXTURES, imported, run_import
from rejoinder.comments.models import comments
from rejoinder.events.catalogue import CommentsImported, decode, encode
from rejoinder.imports.indexes import deferred, drop_indexes
from rejoinder.imports.writer import Placements
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories

DISQUS = FIXTURES / "disqus-cases.xml"
SAME_MOMENT = select(func.count()).where(
    comments.c.id == bindparam("id"), comments.c.created_at == bindparam("created_at")
)


def _many(path: Path, posts: int) -> Path:
    body = "".join(
        f'<post dsq:id="m{n}"><message>comment {n}</message>'
        f"<createdAt>2019-01-01T12:00:{n % 60:02d}Z</createdAt><isDeleted>false</isDeleted>"
        f'<thread dsq:id="t{n % 3}"/>'
        + (f'<parent dsq:id="m{n - 7}"/>' if n % 5 == 4 and n > 7 else "")
        + "</post>"
        for n in range(posts)
    )
    threads = "".join(
        f'<thread dsq:id="t{t}"><link>https://news.test/many/{t}</link></thread>' for t in range(3)
    )
    path.write_text(
        '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">'
        f"{threads}{body}</disqus>",
        "utf-8",
    )
    return path


async def test_copied_rows_store_moments_as_the_service_does(
    runtime: Runtime, tmp_path: Path
) -> None:
    # Every row of a batch, not only its first: a moment bound as the service binds it must
    # find the row (multi-row inserts once stored all but the first row's moments in another
    # text form on SQLite, which compared wrongly against every bound moment).
    report = await run_import(
        runtime, "disqus", _many(tmp_path / "many.xml", 300), create_stories=True
    )
    assert report.ok, report.text()
    assert report.imported == 300
    rows = await imported(runtime, "disqus")
    async with runtime.db.read() as conn:
        for row in rows.values():
            found = await conn.execute(
                SAME_MOMENT, {"id": row["id"], "created_at": row["created_at"]}
            )
            assert found.scalar_one() == 1, row
        created = await conn.execute(
            select(func.count()).where(
                stories.c.created_by == "import",
                stories.c.updated_at >= runtime.clock.now(),
            )
        )
        assert created.scalar_one() == 3


async def test_parents_resolve_across_batches_in_memory_and_from_the_database(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = _many(tmp_path / "many.xml", 120)
    report = await run_import(runtime, "disqus", path, create_stories=True, batch_size=10)
    assert report.ok, report.text()
    rows = await imported(runtime, "disqus")
    replies = {sid: row for sid, row in rows.items() if int(sid[1:]) % 5 == 4 and int(sid[1:]) > 7}
    assert replies
    for sid, row in replies.items():
        assert row["parent"] == f"m{int(sid[1:]) - 7}"
        assert row["depth"] == rows[row["parent"]]["depth"] + 1
    ids = [row["id"] for row in rows.values()]
    assert len(set(ids)) == len(ids) == 120


def test_placements_keep_two_generations() -> None:
    recent = Placements(size=2)
    recent.update({"a": (1, 0), "b": (2, 0)})
    recent.update({"c": (3, 1)})
    assert recent.get("a") == (1, 0)  # the older generation is still there
    recent.update({"d": (4, 0), "e": (5, 0)})
    assert "a" not in recent
    assert recent.get("a") is None
    assert [recent.get(k) for k in "cde"] == [(3, 1), (4, 0), (5, 0)]


async def _indexes(runtime: Runtime) -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'"
        if runtime.db.dialect == "sqlite"
        else "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'comments'"
    )
    async with runtime.db.read() as conn:
        rows = await conn.execute(text(query).columns(name=String))
        return {row.name for row in rows}


async def test_deferred_indexes_import_the_same_and_come_back(
    runtime: Runtime, tmp_path: Path
) -> None:
    await make_story(runtime, key="story-known", url="https://news.test/politics/vote")
    await make_story(runtime, key="storm", url="https://news.test/2019/storm/")
    wanted = {str(index.name) for index in deferred()}
    assert wanted <= await _indexes(runtime)
    report = await run_import(
        runtime,
        "disqus",
        DISQUS,
        rewrite=("old.news.test/blog=>news.test",),
        defer_indexes=True,
    )
    assert report.ok, report.text()
    assert report.indexes_seconds is not None
    assert "indexes of comments rebuilt" in report.text()
    assert wanted <= await _indexes(runtime)
    rows = await imported(runtime, "disqus")
    assert report.imported == len(rows) == 5
    assert rows["p2"]["parent"] == "p1"
    # A run killed while its indexes were away: the next import, flag or not, rebuilds them.
    await drop_indexes(runtime.db)
    assert not wanted & await _indexes(runtime)
    again = await run_import(runtime, "disqus", _many(tmp_path / "m.xml", 10), create_stories=True)
    assert again.ok, again.text()
    assert wanted <= await _indexes(runtime)


async def test_a_deferred_run_that_stops_still_rebuilds(runtime: Runtime, tmp_path: Path) -> None:
    data = _many(tmp_path / "many.xml", 50).read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b'<post dsq:id="m30"')] + b"<post dsq:")
    report = await run_import(
        runtime, "disqus", cut, create_stories=True, defer_indexes=True, batch_size=10
    )
    assert not report.ok
    assert "malformed XML" in (report.stopped or "")
    assert report.imported == 30  # the batches before the break
    assert {str(index.name) for index in deferred()} <= await _indexes(runtime)


def test_an_older_comments_imported_event_still_decodes() -> None:
    old = (
        b'{"name":"comments.imported","story_id":4,"site_id":"news","story_key":"storm",'
        b'"count":3,"system":"disqus"}'
    )
    event = decode(old)
    assert isinstance(event, CommentsImported)
    assert [(page.site_id, page.story_key) for page in event.affects()] == [("news", "storm")]
    assert decode(encode(event)) == event
