"""Learning from the desk: a site's decisions train its own layer, measured on held-back ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from factories import make_moderator, make_reader, make_story
from moderation.support import Poster, use_rules
from rejoinder.cli import main
from rejoinder.comments.models import comments
from rejoinder.kernel.clock import FrozenClock
from rejoinder.moderation.learning import (
    Decision,
    Layer,
    Report,
    compare,
    enable_layer,
    save_layer,
    site_decisions,
)
from rejoinder.moderation.pipeline import decode_record
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
    assert (
        main(["--config", str(config), "moderation", "retrain", "--site", "news", "--enable"]) == 1
    )
    assert "no stored layer" in capsys.readouterr().err
    assert main(["--config", str(config), "moderation", "retrain", "--site", "nope"]) == 2


RIVAL = "Read the Evening Gazette instead, story {} is better there."


def _rival_report() -> Report:
    """A layer trained on a site that rejects talk of a rival paper."""
    decisions = [Decision(i, RIVAL.format(i), rejected=True) for i in range(60)] + [
        Decision(100 + i, f"Thanks for story {i}, a good read.", rejected=False) for i in range(60)
    ]
    return compare(decisions, threshold=0.6)


def test_a_layer_survives_storage() -> None:
    layer = _rival_report().layer
    assert layer is not None
    again = Layer.loads(layer.dumps())
    text = RIVAL.format(7)
    assert again.adjust(0.1, text) == pytest.approx(layer.adjust(0.1, text), abs=1e-3)


async def test_a_sites_layer_changes_that_sites_outcome_only(
    runtime: Runtime, post: Poster, clock: FrozenClock
) -> None:
    """Stored and switched on for "news", the layer holds a comment like the ones its moderators
    rejected there; the same comment on "sport" is published; switched off, it stops applying
    (within the minute the pipeline keeps the layers)."""
    use_rules(runtime, toxicity_action="hold")
    await save_layer(runtime.db, "news", _rival_report(), clock.now())
    text = RIVAL.format(999)
    news, sport = await make_story(runtime), await make_story(runtime, site="sport")
    reader = await make_reader(runtime)

    created = await post(reader, news, text)
    assert created["comment"]["status"] == "published"  # stored, but not switched on

    assert await enable_layer(runtime.db, "news", enabled=True, now=clock.now())
    clock.advance(minutes=2)  # the pipeline reads the layers again
    held = await post(reader, news, text + " Really.")
    assert held["comment"]["status"] == "pending"
    record = decode_record(await _detail(runtime, held["comment"]["id"]))
    assert record is not None
    assert record.shipped_toxicity is not None
    assert record.shipped_toxicity < 0.6 <= (record.toxicity or 0.0)
    assert any("site layer" in f.detail for f in record.trace)

    elsewhere = await post(reader, sport, text + " Truly.", site="sport")
    assert elsewhere["comment"]["status"] == "published"
    assert (
        decode_record(await _detail(runtime, elsewhere["comment"]["id"])).shipped_toxicity is None
    )  # type: ignore[union-attr]

    assert await enable_layer(runtime.db, "news", enabled=False, now=clock.now())
    clock.advance(minutes=2)
    again = await post(reader, news, text + " Honestly.")
    assert again["comment"]["status"] == "published"
    assert not await enable_layer(runtime.db, "nowhere", enabled=True, now=clock.now())


async def _detail(runtime: Runtime, comment_id: int) -> str | None:
    async with runtime.db.read() as conn:
        row = (
            await conn.execute(
                select(comments.c.moderation_detail).where(comments.c.id == comment_id)
            )
        ).first()
    assert row is not None
    detail: str | None = row.moderation_detail
    return detail
