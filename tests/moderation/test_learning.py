"""Learning from the desk: a site's decisions train its own layer, measured on held-back ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from factories import make_moderator, make_reader, make_story
from moderation.support import Poster
from rejoinder.cli import main
from rejoinder.moderation.learning import Decision, compare, site_decisions
from rejoinder.runtime import Runtime


def test_the_layer_learns_what_a_site_rejects() -> None:
    # This site rejects talk of a rival paper, which the shipped model finds harmless.
    decisions = [
        Decision(i, f"Read the Evening Gazette instead, story {i} is better there.", rejected=True)
        for i in range(60)
    ] + [
        Decision(100 + i, f"Thanks for story {i}, a good read.", rejected=False) for i in range(60)
    ]
    report = compare(decisions, threshold=0.6)
    assert report.held_back == 24
    assert report.shipped.recall < 0.5
    assert report.site_layer.recall == 1.0
    assert report.site_layer.precision == 1.0


async def test_decisions_are_the_reviewed_comments_of_the_site(
    runtime: Runtime, post: Poster, client: object
) -> None:
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    moderator = await make_moderator(runtime)
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    kept = (await post(reader, story, "A calm note on the timetable."))["comment"]["id"]
    gone = (await post(reader, story, "Another note on the timetable."))["comment"]["id"]
    await post(reader, story, "Never reviewed by anyone.")
    for comment_id, body in (
        (kept, {"action": "approve"}),
        (gone, {"action": "reject", "reason": "spam"}),
    ):
        response = await client.post(
            f"/api/v1/moderation/comments/{comment_id}/actions",
            json=body,
            headers=moderator.headers,
        )
        assert response.status_code == 200, response.text
    async with runtime.db.read() as conn:
        decisions = await site_decisions(conn, "news")
    assert [(d.comment_id, d.rejected) for d in decisions] == [(kept, False), (gone, True)]


def test_the_command_says_when_there_is_too_little_to_learn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "rejoinder.toml"
    config.write_text(
        f'[database]\nurl = "sqlite:///{tmp_path}/r.sqlite3"\n\n'
        '[[sites]]\nid = "news"\nname = "News"\n'
    )
    monkeypatch.delenv("REJOINDER_CONFIG", raising=False)
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "moderation", "retrain", "--site", "news"]) == 1
    assert "too few decisions" in capsys.readouterr().out
    assert main(["--config", str(config), "moderation", "retrain", "--site", "nope"]) == 2
