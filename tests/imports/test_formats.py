"""Every format imported from fixtures, with the report checked (issue 11, Done)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from factories import make_story
from imports.support import FIXTURES, SHARED, imported, run_import, story_counts
from rejoinder.runtime import Runtime


async def test_disqus_cases(runtime: Runtime) -> None:
    await make_story(runtime, key="story-known", url="https://news.test/politics/vote")
    await make_story(runtime, key="storm", url="https://news.test/2019/storm/")
    report = await run_import(
        runtime, "disqus", FIXTURES / "disqus-cases.xml", rewrite=("old.news.test/blog=>news.test",)
    )
    assert report.ok, report.text()
    assert report.threads_seen == 4
    assert dict(report.threads_matched) == {"identifier": 1, "url": 1}
    assert report.threads_unmatched == ["https://elsewhere.test/never-matched"]
    assert report.threads_empty == 1
    assert report.imported == 5  # p1, p2, p3 (tombstone), p4, p7 (orphan)
    assert report.tombstones == 1
    assert dict(report.skipped) == {
        "spam": 1,
        "deleted without replies": 1,
        "thread without a story": 1,
        "duplicate id in the file": 1,
    }
    assert [sid for sid, _ in report.orphans] == ["p7"]
    assert report.orphans[0][1].line > 0
    assert any("appears twice" in message for message, _ in report.problems)
    rows = await imported(runtime, "disqus")
    assert set(rows) == {"p1", "p2", "p3", "p4", "p7"}
    assert rows["p2"]["parent"] == "p1"  # the reply came first in the file
    assert rows["p2"]["depth"] == 1
    assert rows["p4"]["parent"] == "p3"
    assert rows["p3"]["deleted_at"] is not None
    assert rows["p3"]["body"] == ""
    assert rows["p7"]["parent"] is None
    assert rows["p7"]["story_key"] == "storm"
    html = rows["p1"]["body_html"]
    assert "<script" not in html
    assert "javascript:" not in html
    assert rows["p1"]["display_name"] == "Alice Archer"
    assert rows["p1"]["role"] == "imported"
    assert rows["p1"]["reply_count"] == 1
    assert rows["p2"]["account_id"] == rows["p4"]["account_id"]  # one Bob
    counts = await story_counts(runtime)
    assert counts["story-known"] == 3  # p1, p2, p4: the tombstone is not counted
    assert counts["storm"] == 1


async def test_disqus_fixture_of_remark42_reports_the_broken_post(runtime: Runtime) -> None:
    report = await run_import(runtime, "disqus", SHARED / "disqus.xml", create_stories=True)
    assert not report.ok
    assert report.stopped is not None
    assert "malformed XML" in report.stopped
    assert "line 147" in report.stopped
    assert report.imported == 0  # the batch in progress was rolled back
    assert report.problems[0][0].startswith("ignored 1 byte")


async def test_disqus_deleted_thread_skips_its_posts(runtime: Runtime, tmp_path: Path) -> None:
    text = (SHARED / "disqus-deleted-thread.xml").read_text("utf-8")
    fixed = tmp_path / "dq.xml"
    fixed.write_text(text.replace("dsq:id=247937687/>", 'dsq:id="247937687"/>'), "utf-8")
    report = await run_import(runtime, "disqus", fixed, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 2  # the two posts of the thread that was not deleted
    assert report.skipped["trash"] == 2
    assert report.skipped["spam"] == 1
    assert report.skipped["unreadable record"] == 1  # the post with a broken date


async def test_wxr_cases(runtime: Runtime) -> None:
    report = await run_import(runtime, "wxr", FIXTURES / "wxr-cases.xml", create_stories=True)
    assert report.ok, report.text()
    assert report.threads_created == 1
    assert report.imported == 2
    assert report.held == 1
    assert dict(report.skipped) == {"pingback or trackback": 2, "spam": 1, "trash": 1}
    rows = await imported(runtime, "wxr")
    assert rows["1"]["body_html"] == (
        "<p>First paragraph.</p><p>Second line one<br>\nsecond line two</p>"
    )
    assert rows["1"]["display_name"] == "Hélène"
    assert rows["6"]["status"] == "pending"
    assert rows["6"]["parent"] == "1"
    assert rows["1"]["story_key"] == "42"
    assert rows["1"]["reply_count"] == 0  # a held reply is not counted


async def test_wxr_fixture_of_remark42(runtime: Runtime) -> None:
    report = await run_import(runtime, "wxr", SHARED / "wordpress-wxr-1.2.xml", create_stories=True)
    assert report.ok, report.text()
    assert report.threads_seen == 2
    assert report.threads_created == 1
    assert report.threads_empty == 1
    assert report.imported == 3
    assert report.held == 1
    assert report.skipped["pingback or trackback"] == 1
    assert [sid for sid, _ in report.orphans] == ["14"]  # its parent was the pingback


async def test_commento_fixtures(runtime: Runtime) -> None:
    await make_story(runtime, key="post-1", url="https://example.com/blog/post/1")
    report = await run_import(runtime, "commento", SHARED / "commento.json", create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 3
    assert report.threads_matched["url"] == 1
    assert report.threads_created == 1
    rows = await imported(runtime, "commento")
    reply = rows["ea5f7bcd6ac9bb7b657f7d0569831104e1bcf9c253d03c1e16bf9654c49a5ce9"]
    assert reply["display_name"] == "Saturnin Uf"
    assert reply["parent"] == "7d77e39fcd813241d6281478cc8f21ab5f807d043c750bc1a936bc23b34fb854"
    larger = await run_import(
        runtime, "commento", SHARED / "commento-larger.json", create_stories=True
    )
    assert larger.ok, larger.text()
    assert larger.imported > 0


async def test_commento_states_and_markdown(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "commento", FIXTURES / "commento-cases.json", create_stories=True
    )
    assert report.ok, report.text()
    rows = await imported(runtime, "commento")
    assert rows["aa"]["body_html"] == "<p><strong>Bold</strong> start</p>"
    assert rows["bb"]["status"] == "pending"
    assert rows["bb"]["display_name"] == "Anonymous"


def _isso_db(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE comments (
            tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
            text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
            likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
            notification INTEGER DEFAULT 0);
        INSERT INTO threads VALUES (1, '/isso/article/', 'An article');
        INSERT INTO comments (tid, id, parent, created, modified, mode, text, author, email, voters)
        VALUES
          (1, 1, NULL, 1500000000.5, NULL, 4, '', 'Gone', NULL, x''),
          (1, 2, 1, 1500000100, 1500000200, 1, 'A *reply* to a deleted one', 'Ivy',
           'ivy@example.org', x''),
          (1, 3, NULL, 1500000300, NULL, 2, 'In moderation', NULL, NULL, x'');
        """
    )
    db.commit()
    db.close()


async def test_isso_database(runtime: Runtime, tmp_path: Path) -> None:
    await make_story(runtime, key="article", url="https://news.test/isso/article")
    path = tmp_path / "comments.db"
    _isso_db(path)
    report = await run_import(runtime, "isso", path)
    assert report.ok, report.text()
    assert report.threads_matched["path"] == 1  # a relative URL, matched by its path
    assert report.imported == 3
    assert report.tombstones == 1
    assert report.held == 1
    rows = await imported(runtime, "isso")
    assert rows["2"]["parent"] == "1"
    assert rows["2"]["body_html"] == "<p>A <em>reply</em> to a deleted one</p>"
    assert rows["2"]["created_at"].year == 2017
    assert rows["3"]["display_name"] == "Anonymous"


async def test_remark42_backup(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "remark42", FIXTURES / "remark42-backup.jsonl", create_stories=True
    )
    assert report.ok, report.text()
    assert report.threads_created == 1
    assert report.imported == 2
    assert report.skipped["deleted without replies"] == 1
    rows = await imported(runtime, "remark42")
    assert rows["c-2"]["parent"] == "c-1"
    assert rows["c-1"]["created_at"].hour == 3  # -05:00, nanoseconds cut to micro


async def test_stray_bytes_are_reported_even_when_the_xml_breaks_before_its_first_element(
    runtime: Runtime, tmp_path: Path
) -> None:
    for fmt, document in (
        ("disqus", b'<disqus xmlns="http://disqus.com"><thread <<'),
        ("wxr", b"<rss><channel><item <<"),
    ):
        path = tmp_path / f"{fmt}.xml"
        path.write_bytes(b"~" + document)
        report = await run_import(runtime, fmt, path, create_stories=True)
        assert report.stopped is not None
        assert "malformed XML" in report.stopped
        assert report.problems[0][0] == "ignored 1 byte(s) before the XML document"
