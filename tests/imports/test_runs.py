"""Idempotency, dry runs, page invalidation and bad input (issue 11: Imports, Bad input)."""

from __future__ import annotations

import gzip
from pathlib import Path

from factories import make_story, record_events
from imports.support import FIXTURES, imported, run_import, story_counts
from rejoinder.runtime import Runtime

DISQUS = FIXTURES / "disqus-cases.xml"


async def _stories(runtime: Runtime) -> None:
    await make_story(runtime, key="story-known", url="https://news.test/politics/vote")
    await make_story(runtime, key="storm", url="https://news.test/2019/storm/")


async def test_a_second_run_imports_nothing(runtime: Runtime) -> None:
    await _stories(runtime)
    first = await run_import(runtime, "disqus", DISQUS, create_stories=True)
    before = await imported(runtime, "disqus")
    counts = await story_counts(runtime)
    second = await run_import(runtime, "disqus", DISQUS, create_stories=True)
    assert second.ok, second.text()
    assert second.imported == 0
    assert second.threads_created == 0
    assert second.already_imported == first.imported
    assert second.authors_new == 0
    assert await imported(runtime, "disqus") == before  # same ids, nothing duplicated
    assert await story_counts(runtime) == counts


async def test_a_newer_export_adds_only_what_is_new(runtime: Runtime, tmp_path: Path) -> None:
    await _stories(runtime)
    await run_import(runtime, "disqus", DISQUS)
    text = DISQUS.read_text("utf-8")
    newer = text.replace(
        "</disqus>",
        """<post dsq:id="p9"><message>A new one</message><createdAt>2019-04-01T10:00:00Z</createdAt>
        <isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>Hal</name></author>
        <thread dsq:id="t1"/><parent dsq:id="p5"/></post></disqus>""",
    )
    path = tmp_path / "newer.xml"
    path.write_text(newer, "utf-8")
    report = await run_import(runtime, "disqus", path)
    assert report.ok, report.text()
    # p9 is new, and it answers p5: deleted, skipped before, now a tombstone with a reply.
    assert report.imported == 2
    assert report.tombstones == 1
    rows = await imported(runtime, "disqus")
    assert rows["p9"]["parent"] == "p5"
    assert rows["p5"]["deleted_at"] is not None


async def test_dry_run_writes_nothing_and_reports_the_same(runtime: Runtime) -> None:
    await _stories(runtime)
    dry = await run_import(runtime, "disqus", DISQUS, dry_run=True, create_stories=True)
    assert dry.ok, dry.text()
    assert dry.text().startswith("Dry run: nothing was written.")
    assert await imported(runtime, "disqus") == {}
    assert set(await story_counts(runtime)) == {"story-known", "storm"}
    real = await run_import(runtime, "disqus", DISQUS, create_stories=True)
    assert (dry.imported, dry.tombstones, dry.threads_created, dict(dry.skipped)) == (
        real.imported,
        real.tombstones,
        real.threads_created,
        dict(real.skipped),
    )
    assert dry.authors_new == real.authors_new


async def test_touched_stories_get_one_event_per_batch(runtime: Runtime) -> None:
    await _stories(runtime)
    recorder = record_events(runtime)
    report = await run_import(runtime, "disqus", DISQUS, rewrite=("old.news.test/blog=>news.test",))
    names = recorder.names()
    assert "comment.created" not in names  # never one per comment, no moderation
    events = [event for event in recorder.events if event.name == "comments.imported"]
    # One event per batch (the file's batch, then the one its late replies made), each
    # naming every story it wrote to, so the page cache drops exactly those.
    assert len(events) == report.batches == 2
    assert sum(event.count for event in events) == report.imported
    assert sum(story.count for event in events for story in event.stories) == report.imported
    pages = {(page.site_id, page.story_key) for event in events for page in event.affects()}
    assert pages == {("news", "story-known"), ("news", "storm")}


async def test_xxe_is_refused(runtime: Runtime) -> None:
    report = await run_import(runtime, "disqus", FIXTURES / "xxe.xml", create_stories=True)
    assert not report.ok
    assert "XXE" in (report.stopped or "")
    assert "declares xxe" in (report.stopped or "")
    assert report.imported == 0


async def test_billion_laughs_is_refused(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "disqus", FIXTURES / "billion-laughs.xml", create_stories=True
    )
    assert not report.ok
    assert "entity-expansion" in (report.stopped or "")


async def test_gzip_input_and_the_bomb_cap(runtime: Runtime, tmp_path: Path) -> None:
    packed = tmp_path / "export.xml.gz"
    packed.write_bytes(gzip.compress(DISQUS.read_bytes()))
    report = await run_import(runtime, "disqus", packed, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 6
    bomb = tmp_path / "bomb.xml.gz"
    with gzip.open(bomb, "wb") as out:
        out.write(b"<disqus>")
        chunk = b" " * (1024 * 1024)
        for _ in range(64):
            out.write(chunk)
    report = await run_import(runtime, "disqus", bomb, max_bytes=8 * 1024 * 1024)
    assert not report.ok
    assert "decompression bomb" in (report.stopped or "")


async def test_a_truncated_file_keeps_nothing_of_its_batch(
    runtime: Runtime, tmp_path: Path
) -> None:
    await _stories(runtime)
    data = DISQUS.read_bytes()
    cut = tmp_path / "cut.xml"
    cut.write_bytes(data[: data.index(b"<post", data.index(b'dsq:id="p5"'))] + b"<post dsq:")
    report = await run_import(runtime, "disqus", cut)
    assert not report.ok
    assert "malformed XML" in (report.stopped or "")
    assert "line" in (report.stopped or "")
    assert await imported(runtime, "disqus") == {}  # one batch, rolled back
    # Small batches: the ones before the break are kept, and a re-run of the whole file
    # completes the import without duplicating them.
    partial = await run_import(runtime, "disqus", cut, batch_size=1)
    assert not partial.ok
    kept = await imported(runtime, "disqus")
    assert kept
    full = await run_import(runtime, "disqus", DISQUS)
    assert full.ok
    assert full.already_imported == len(kept)
    assert len(await imported(runtime, "disqus")) == 4  # p7 has no story without a rule


async def test_malformed_json_and_lines_report_positions(runtime: Runtime, tmp_path: Path) -> None:
    broken = tmp_path / "commento.json"
    broken.write_text('{"version": 1, "comments": [\n  {"commentHex": "a",, }\n]}', "utf-8")
    report = await run_import(runtime, "commento", broken, create_stories=True)
    assert not report.ok
    assert "malformed JSON" in (report.stopped or "")
    assert "line 2" in (report.stopped or "")
    lines = (FIXTURES / "remark42-backup.jsonl").read_bytes()
    cut = tmp_path / "remark42.jsonl"
    cut.write_bytes(lines[:-20])
    report = await run_import(runtime, "remark42", cut, create_stories=True)
    assert not report.ok
    assert "truncated JSON line" in (report.stopped or "")
    assert "line 4" in (report.stopped or "")


async def test_a_wrong_encoding_is_reported(runtime: Runtime, tmp_path: Path) -> None:
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(
        b'{"id":"x","text":"caf\xe9","user":{"name":"Z"},"locator":{"url":"https://news.test/a"},'
        b'"time":"2020-01-01T00:00:00Z"}\n'
    )
    report = await run_import(runtime, "remark42", latin, create_stories=True)
    assert not report.ok
    assert "line 1" in (report.stopped or "")
    declared = tmp_path / "declared.xml"
    declared.write_bytes(
        DISQUS.read_bytes()
        .replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
        .replace(b"Alice Archer", "Alice Ærcher".encode("latin-1"))
    )
    report = await run_import(runtime, "disqus", declared, create_stories=True)
    assert report.ok, report.text()  # a declared encoding is honoured
    rows = await imported(runtime, "disqus")
    assert rows["p1"]["display_name"] == "Alice Ærcher"


async def test_a_missing_file_and_a_wrong_format(runtime: Runtime, tmp_path: Path) -> None:
    report = await run_import(runtime, "wxr", tmp_path / "nope.xml")
    assert not report.ok
    assert "cannot open" in (report.stopped or "")
    report = await run_import(runtime, "isso", DISQUS)
    assert not report.ok
    assert "not an Isso database" in (report.stopped or "")


async def test_parents_after_children_across_batches(runtime: Runtime) -> None:
    await _stories(runtime)
    report = await run_import(
        runtime, "disqus", DISQUS, batch_size=1, rewrite=("old.news.test/blog=>news.test",)
    )
    assert report.ok, report.text()
    assert report.imported == 5
    assert report.batches >= 5
    rows = await imported(runtime, "disqus")
    assert rows["p2"]["parent"] == "p1"  # waited for its parent, one batch later
    assert rows["p4"]["parent"] == "p3"
    assert rows["p1"]["reply_count"] == 1
    assert [sid for sid, _ in report.orphans] == ["p7"]


async def test_a_deleted_parent_after_its_reply_in_the_same_batch(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "late.xml"
    path.write_text(
        """<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
        <thread dsq:id="t"><link>https://news.test/late</link></thread>
        <post dsq:id="r"><message>reply</message><createdAt>2019-01-02T00:00:00Z</createdAt>
          <isDeleted>false</isDeleted><thread dsq:id="t"/><parent dsq:id="d"/></post>
        <post dsq:id="d"><message>gone</message><createdAt>2019-01-01T00:00:00Z</createdAt>
          <isDeleted>true</isDeleted><thread dsq:id="t"/></post>
        </disqus>""",
        "utf-8",
    )
    report = await run_import(runtime, "disqus", path, create_stories=True)
    assert report.ok, report.text()
    assert (report.imported, report.tombstones, report.orphan_count) == (2, 1, 0)
    rows = await imported(runtime, "disqus")
    assert rows["r"]["parent"] == "d"
