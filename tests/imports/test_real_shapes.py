"""The shapes real exports have, as the exporting systems write them (issue 11).

Each fixture here is small and hand-written in the shape the other system's export code
produces (WordPress ``wp-admin/includes/export.php``; Commento ``api/domain_export.go`` and
``comment_delete.go``; Comentario ``internal/svc/import_export.go`` and its swagger models;
Remark42 ``backend/app/migrator/native.go`` and ``store/comment.go``; Isso
``isso/db/comments.py``), with the variants that break a parser written from one sample.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from imports.support import FIXTURES, imported, run_import
from rejoinder.runtime import Runtime
from rejoinder.stories.models import stories

NOT_A_COMMENT = "not a reader's comment (a plugin's note or log)"


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
    assert report.threads_seen == 5
    assert report.imported == 5  # 101, 102, 103 (held), 201 (a review), 501 (an attachment)
    assert report.held == 1
    assert dict(report.skipped) == {NOT_A_COMMENT: 2, "trash": 1}
    messages = [message for message, _ in report.problems]
    assert any("2 blank line(s) before <?xml" in m for m in messages)
    assert any("removed 2 control character(s)" in m for m in messages)
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
