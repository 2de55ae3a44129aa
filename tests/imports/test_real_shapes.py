"""The shapes real exports have, as the exporting systems write them (issue 11).

Each fixture here is small and hand-written in the shape the other system's export code
produces (WordPress ``wp-admin/includes/export.php``; Commento ``api/domain_export.go`` and
``comment_delete.go``; Comentario ``internal/svc/import_export.go`` and its swagger models;
Remark42 ``backend/app/migrator/native.go`` and ``store/comment.go``; Isso
``isso/db/comments.py``), with the variants that break a parser written from one sample.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from imports.support import FIXTURES, SHARED, imported, run_import
from rejoinder.imports.formats import PARSERS
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories

NOT_A_COMMENT = "not a reader's comment (a plugin's note or log)"
NOT_PUBLIC = "on a page that is not public (private, draft or with a password)"


async def _stories(runtime: Runtime) -> dict[str, tuple[str, str]]:
    async with runtime.db.read() as conn:
        rows = await conn.execute(
            select(stories.c.story_key, stories.c.title, stories.c.status).where(
                stories.c.site_id == "news"
            )
        )
    return {row.story_key: (row.title, row.status) for row in rows}


async def test_wxr_as_old_and_plugin_laden_sites_write_it(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "wxr", FIXTURES / "wxr-1.0-real-shapes.xml", create_stories=True
    )
    assert report.ok, report.text()
    assert report.threads_seen == 7
    assert report.imported == 5  # 101, 102, 103 (held), 201 (a review), 501 (an attachment)
    assert report.held == 1
    assert dict(report.skipped) == {NOT_A_COMMENT: 2, "trash": 1, NOT_PUBLIC: 2}
    messages = [message for message, _ in report.problems]
    assert any("2 blank line(s) before <?xml" in m for m in messages)
    assert any("removed 2 control character(s)" in m for m in messages)
    assert any("<rss> tag lacks: excerpt" in m for m in messages)  # as WordPress 2.x wrote it
    assert any("4 HTML entity reference(s)" in m for m in messages)
    rows = await imported(runtime, "wxr")
    assert set(rows) == {"101", "102", "103", "201", "501"}
    first = rows["101"]
    assert "\x1b" not in first["body_html"]
    assert "done. Use ]]&gt; carefully." in first["body_html"]  # CDATA split by WordPress
    assert first["display_name"] == "Zoë «Z»"
    assert first["created_at"] == datetime(2010, 6, 1, 12, tzinfo=UTC)  # GMT was zeros
    assert rows["102"]["parent"] == "101"
    assert rows["103"]["status"] == "pending"  # an approval value WordPress does not have
    made = await _stories(runtime)
    assert made["10"] == ("Café notes … and more", "open")
    assert made["20"] == ("Blue mug", "closed")
    assert "30" not in made  # the order page: nothing of it is imported
    assert "60" not in made  # nor of the private page, nor of the one behind a password
    assert "70" not in made


async def test_wxr_undefined_entity_is_reported_where_it_is(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "bad.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<rss><channel>\n<item><title>A &notanentity; B</title>'
        "</item></channel></rss>\n",
        encoding="utf-8",
    )
    report = await run_import(runtime, "wxr", path)
    assert not report.ok
    assert report.stopped is not None
    assert "Entity 'notanentity' not defined" in report.stopped
    assert "line 3" in report.stopped


async def test_wxr_of_another_format_says_so(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text("<rss><channel><title>A plain feed</title></channel></rss>", "utf-8")
    report = await run_import(runtime, "wxr", path)
    assert report.threads_seen == 0
    assert any("is it a WordPress (WXR) export?" in m for m, _ in report.problems)


async def test_disqus_given_another_format_says_so(runtime: Runtime) -> None:
    """A WordPress export is well-formed XML with no Disqus element in it: said, not a
    silent success with nothing imported."""
    wordpress = SHARED / "wordpress-wxr-1.2.xml"
    report = await run_import(runtime, "disqus", wordpress)
    assert report.threads_seen == 0
    assert any("is it a Disqus export?" in m for m, _ in report.problems)


async def test_commento_deleted_and_flagged(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "commento", FIXTURES / "commento-deleted-flagged.json", create_stories=True
    )
    assert report.ok, report.text()
    assert report.imported == 3  # c1 (a tombstone), c2, c5
    assert report.tombstones == 1
    assert dict(report.skipped) == {"spam": 1, "deleted without replies": 1}
    rows = await imported(runtime, "commento")
    assert rows["c1"]["deleted_at"] is not None
    assert rows["c2"]["parent"] == "c1"
    assert rows["c2"]["display_name"] == "Quinn"
    assert rows["c5"]["deleted_at"] is None  # "[deleted]" typed by a known commenter
    assert report.authors_seen == 2  # Quinn (listed twice in the file) and the guest


async def test_comentario_2_pages_are_host_and_path(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "commento", FIXTURES / "comentario-v1.json", create_stories=True
    )
    assert report.ok, report.text()
    assert report.threads_seen == 1  # not one per comment's #fragment
    assert report.imported == 2
    assert report.held == 1
    assert dict(report.skipped) == {"deleted without replies": 1}
    rows = await imported(runtime, "commento")
    assert rows["e1"]["display_name"] == "Rosa"
    assert rows["e1"]["story_key"] == "/v1/story"
    assert rows["e2"]["parent"] == "e1"
    assert rows["e2"]["display_name"] == "Anonymous"


async def test_comentario_3_pages_comments_and_users_by_uuid(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "commento", FIXTURES / "comentario-v3.json", create_stories=True
    )
    assert report.ok, report.text()
    assert report.threads_seen == 2
    assert report.threads_empty == 1
    assert report.imported == 2
    assert report.held == 1
    assert dict(report.skipped) == {"trash": 1, "deleted without replies": 1}
    rows = await imported(runtime, "commento")
    first, reply = (rows[f"c0000000-0000-4000-8000-00000000000{n}"] for n in (1, 2))
    assert first["body_html"] == "<p>Hello <em>v3</em></p>"
    assert first["display_name"] == "Sam"
    assert reply["parent"] == "c0000000-0000-4000-8000-000000000001"
    assert reply["status"] == "pending"
    assert reply["display_name"] == "Passer-by"
    made = await _stories(runtime)
    assert made["/v3/story"] == ("A Comentario page", "closed")


async def test_remark42_backup_as_remark42_writes_it(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "backup-remark-20210801.gz"
    path.write_bytes(gzip.compress((FIXTURES / "remark42-real-shapes.jsonl").read_bytes()))
    report = await run_import(runtime, "remark42", path, create_stories=True)
    assert report.ok, report.text()
    assert report.threads_seen == 2  # the closed page, and the silent one the meta names
    assert report.threads_empty == 1
    assert report.imported == 3
    assert report.tombstones == 1
    assert dict(report.skipped) == {"deleted without replies": 1}
    rows = await imported(runtime, "remark42")
    assert rows["m-1"]["display_name"] == "O'Brien & Sons"  # Remark42 stores it escaped
    assert rows["m-2"]["deleted_at"] is not None
    assert rows["m-3"]["parent"] == "m-2"
    made = await _stories(runtime)
    assert made["/r/closed"] == ("Closed & done", "closed")


async def test_remark42_backup_of_its_first_year(runtime: Runtime) -> None:
    report = await run_import(
        runtime, "remark42", FIXTURES / "remark42-2018-backup.json", create_stories=True
    )
    assert report.ok, report.text()
    assert report.threads_seen == 1
    assert report.imported == 2
    rows = await imported(runtime, "remark42")
    assert rows["old-2"]["parent"] == "old-1"
    assert rows["old-1"]["display_name"] == "Early & Bird"
    assert rows["old-1"]["created_at"] == datetime(2018, 3, 1, 15, tzinfo=UTC)


def _remark42_line(comment_id: str, user: str, *, deleted: bool = False) -> str:
    item: dict[str, Any] = {
        "id": comment_id,
        "pid": "",
        "text": "" if deleted else f"<p>By {user}</p>",
        "user": {"name": "deleted" if deleted else user, "id": "deleted" if deleted else user},
        "locator": {"site": "remark", "url": "https://news.test/r/blocks"},
        "time": "2021-07-01T10:00:00Z",
        "delete": deleted,
    }
    return json.dumps(item)


BLOCKS = [
    {"id": "github_blocked", "blocked": {"status": True, "until": "2099-01-01T00:00:00Z"}},
    {"id": "github_forever", "blocked": {"status": True, "until": "0001-01-01T00:00:00Z"}},
    {"id": "github_lapsed", "blocked": {"status": True, "until": "2019-01-01T00:00:00Z"}},
    {"id": "github_fine", "blocked": {"status": False, "until": "0001-01-01T00:00:00Z"}},
]
AUTHORS = ["github_blocked", "github_forever", "github_lapsed", "github_fine"]


async def test_remark42_blocked_readers_comments_are_imported_held(
    runtime: Runtime, tmp_path: Path
) -> None:
    """Remark42 hides a blocked reader's comments: they come in held for moderation, not
    published; a block that has ended, or none, changes nothing."""
    path = tmp_path / "backup-remark-blocks.jsonl"
    meta = json.dumps({"version": 1, "users": BLOCKS, "posts": []})
    path.write_text("\n".join([meta, *(_remark42_line(f"b-{a}", a) for a in AUTHORS)]) + "\n")
    report = await run_import(runtime, "remark42", path, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 4
    assert report.held == 2
    assert any("2 comment(s) by readers Remark42 had blocked" in m for m, _ in report.problems)
    rows = await imported(runtime, "remark42")
    assert {a: rows[f"b-{a}"]["status"] for a in AUTHORS} == {
        "github_blocked": "pending",
        "github_forever": "pending",
        "github_lapsed": "published",
        "github_fine": "published",
    }


async def test_remark42_first_year_backup_says_when_a_block_came_too_late(
    runtime: Runtime, tmp_path: Path
) -> None:
    """A first-year backup names its readers after its comments: those of a blocked reader
    were already imported, and the report says how many, so that a moderator can hold them."""
    path = tmp_path / "remark42-2018-blocks.json"
    comments = ",\n".join(_remark42_line(f"y-{a}", a) for a in AUTHORS)
    meta = json.dumps({"users": BLOCKS, "posts": []})
    path.write_text(f'{{"version":1, "comments":[\n{comments}\n],\n"meta":{meta}\n}}\n')
    report = await run_import(runtime, "remark42", path, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 4
    assert report.held == 0
    late = [m for m, _ in report.problems if "came before the block" in m]
    assert late == [
        (
            "2 comment(s) by 2 reader(s) the backup marks as blocked came before the block in "
            "the file and were imported as published: hold them on the desk if they should stay "
            "hidden"
        )
    ]


def _old_isso(path: Path) -> None:
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE comments (
            tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, mode INTEGER, remote_addr VARCHAR,
            text VARCHAR, author VARCHAR, email VARCHAR);
        INSERT INTO threads VALUES (1, '/old/isso/', NULL);
        INSERT INTO comments (tid, id, parent, created, mode, text, author) VALUES
          (1, 1, NULL, '1400000000.25', 1, 'Written *long* ago', 'Olga'),
          (1, 2, 1, 1400000100, 8, 'A mode Isso does not define', 'Nils');
        """
    )
    db.commit()
    db.close()


async def test_isso_database_of_an_older_schema(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _old_isso(path)
    report = await run_import(runtime, "isso", path, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 2
    assert report.held == 1
    rows = await imported(runtime, "isso")
    assert rows["1"]["created_at"].year == 2014
    assert rows["1"]["body_html"] == "<p>Written <em>long</em> ago</p>"
    assert rows["2"]["status"] == "pending"


async def test_isso_database_without_comments_says_so(runtime: Runtime, tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR, title VARCHAR)")
    db.commit()
    db.close()
    report = await run_import(runtime, "isso", path)
    assert report.stopped is not None
    assert "not an Isso database: it has no 'comments' table" in report.stopped


async def test_rejoinder_export_of_a_later_version(runtime: Runtime, tmp_path: Path) -> None:
    """Lines a later version adds are noted and passed over, not counted as lost comments."""
    path = tmp_path / "later.jsonl"
    path.write_text(
        '{"type":"meta","version":2,"site":"news","exported_at":"2027-01-01T00:00:00Z"}\n'
        '{"type":"story","id":1,"key":"later","title":"Later","url":"https://news.test/later",'
        '"status":"open","created_at":"2027-01-01T00:00:00Z","section":"new field"}\n'
        '{"type":"webhook","id":5,"url":"https://hooks.test/"}\n'
        '{"type":"comment","id":9,"story_id":1,"parent_id":null,"author_id":null,"body":"Hi",'
        '"body_html":"<p>Hi</p>","status":"published","created_at":"2027-01-01T01:00:00Z"}\n',
        encoding="utf-8",
    )
    report = await run_import(runtime, "rejoinder", path, create_stories=True)
    assert report.ok, report.text()
    assert report.imported == 1
    assert not report.skipped
    messages = [message for message, _ in report.problems]
    assert any("version 2, newer than" in m for m in messages)
    assert any("a 'webhook' line" in m for m in messages)


@pytest.mark.parametrize("fmt", sorted(PARSERS))
async def test_every_format_on_every_shared_fixture_reports(runtime: Runtime, fmt: str) -> None:
    """Remark42's fixtures read by each importer: the right one imports, a wrong one stops
    with a reason and a place, never a traceback, and nothing read is never a silent
    success."""
    for path in sorted(SHARED.iterdir()):
        report = await run_import(runtime, fmt, path, create_stories=True, dry_run=True)
        text = report.text()
        if report.stopped is not None:
            assert "(at " in report.stopped, text
        elif report.comments_seen == 0:
            assert report.problem_count, text  # nothing read is never a silent success
