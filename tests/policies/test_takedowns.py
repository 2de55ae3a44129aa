"""Takedown requests (issue #14): public API, the desk's queue and clock, decisions, report."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from factories import make_comment, make_moderator, make_reader, make_story
from rejoinder.app import create_runtime
from rejoinder.cli import main
from rejoinder.comments.models import comments
from rejoinder.events.models import events
from rejoinder.kernel.clock import FrozenClock
from rejoinder.policies.models import takedown_requests
from rejoinder.policies.takedowns import messages
from rejoinder.runtime import Runtime
from rejoinder.settings import load_settings

Client = httpx.AsyncClient
CONTACT = {"contact_name": "Legal Dept.", "contact_email": "legal@firm.test"}


def body(comment_id: int | None = None, **extra: Any) -> dict[str, Any]:
    return {
        **({"comment_id": comment_id} if comment_id else {}),
        "reason": "defamation",
        **CONTACT,
        "statement": "This comment states falsehoods about our client.\nPlease remove it.",
        **extra,
    }


async def target(runtime: Runtime) -> dict[str, Any]:
    author = await make_reader(runtime)
    return await make_comment(runtime, author, await make_story(runtime), "A harsh claim")


async def test_anyone_files_and_the_desk_decides_within_the_clock(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    comment = await target(runtime)
    filed = await client.post("/api/v1/sites/news/takedowns", json=body(comment["id"]))
    assert filed.status_code == 201, filed.text
    receipt = filed.json()
    assert receipt["status"] == "open"
    received = datetime.fromisoformat(receipt["received_at"])
    assert datetime.fromisoformat(receipt["deadline_at"]) - received == timedelta(days=7)
    by_link = await client.post(
        "/api/v1/sites/news/takedowns",
        json=body(permalink=f"https://news.test/story#comment-{comment['id']}", reason="privacy"),
    )
    assert by_link.status_code == 201, by_link.text

    moderator = await make_moderator(runtime)
    url = "/api/v1/moderation/takedowns"
    queue = (await client.get(url, headers=moderator.headers)).json()["requests"]
    assert [r["reason"] for r in queue] == ["defamation", "privacy"]
    first = queue[0]
    assert (first["days_left"], first["due_soon"], first["overdue"]) == (7, False, False)
    assert first["contact_email"] == "legal@firm.test"
    assert first["comment_body_html"].startswith("<p>A harsh claim")
    clock.advance(days=5, hours=1)
    first = (await client.get(url, headers=moderator.headers)).json()["requests"][0]
    assert (first["days_left"], first["due_soon"], first["overdue"]) == (1, True, False)
    clock.advance(days=2)
    late = (await client.get(url, headers=moderator.headers)).json()["requests"][0]
    assert (late["days_left"], late["overdue"]) == (-1, True)
    outsider = await make_moderator(runtime, sites=("sport",))
    assert (await client.get(url, headers=outsider.headers)).json()["requests"] == []

    decided = await client.post(
        f"{url}/{receipt['id']}/decision",
        json={"outcome": "remove", "reason": "Unverified factual claim about a person."},
        headers=moderator.headers,
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["status"] == "removed"
    assert decided.json()["comment_status"] == "rejected"
    again = await client.post(
        f"{url}/{receipt['id']}/decision",
        json={"outcome": "keep", "reason": "Changed my mind"},
        headers=moderator.headers,
    )
    assert again.json()["code"] == "takedown_decided"
    kept = await client.post(
        f"{url}/{by_link.json()['id']}/decision",
        json={"outcome": "keep", "reason": "Already removed under the first request."},
        headers=moderator.headers,
    )
    assert kept.json()["status"] == "kept"
    assert (await client.get(url, headers=moderator.headers)).json()["requests"] == []
    everything = await client.get(url, params={"status": "all"}, headers=moderator.headers)
    assert len(everything.json()["requests"]) == 2

    async with runtime.db.read() as conn:
        sent = await messages(conn, receipt["id"])
        status = (
            await conn.execute(select(comments.c.status).where(comments.c.id == comment["id"]))
        ).scalar_one()
        payloads = (await conn.execute(select(events.c.payload))).scalars().all()
    assert [m["kind"] for m in sent] == ["received", "decision"]
    assert all(m["to_email"] == "legal@firm.test" for m in sent)
    assert "has been removed" in sent[1]["body"]
    assert "Unverified factual claim" in sent[1]["body"]
    assert status == "rejected"
    # The requester's details never reach the event log (webhooks, live streams).
    assert not any("legal@firm.test" in p or "Legal Dept." in p for p in payloads)
    assert any('"takedown.decided"' in p for p in payloads)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"reason": "dislike"}, 422, "unknown_takedown_reason"),
        ({"contact_email": "nope"}, 422, "email_invalid"),
        ({"contact_email": "a\u0000b@firm.test"}, 422, "email_invalid"),
        ({"permalink": "https://news.test/\u0000#comment-1"}, 422, "takedown_invalid"),
        ({"statement": "Remove\u0000 this"}, 201, None),
        ({"contact_name": " \u200b "}, 422, "takedown_invalid"),
        ({"statement": "   "}, 422, "takedown_invalid"),
        ({"comment_id": None, "permalink": "https://news.test/x"}, 422, "takedown_invalid"),
        ({"comment_id": 999999}, 404, "comment_not_found"),
        ({"extra": 1}, 422, "validation_failed"),
    ],
)
async def test_refusals(
    client: Client, runtime: Runtime, change: dict[str, Any], status: int, code: str | None
) -> None:
    comment = await target(runtime)
    payload = {**body(comment["id"]), **change}
    payload = {k: v for k, v in payload.items() if v is not None}
    response = await client.post("/api/v1/sites/news/takedowns", json=payload)
    assert (response.status_code, response.json().get("code")) == (status, code)


async def test_another_sites_comment_and_the_rate_limit(client: Client, runtime: Runtime) -> None:
    comment = await target(runtime)
    wrong = await client.post("/api/v1/sites/sport/takedowns", json=body(comment["id"]))
    assert wrong.json()["code"] == "comment_not_found"
    for _ in range(4):  # the refused one above counted too: 5 an hour
        ok = await client.post("/api/v1/sites/news/takedowns", json=body(comment["id"]))
        assert ok.status_code == 201
    limited = await client.post("/api/v1/sites/news/takedowns", json=body(comment["id"]))
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["retry-after"]) > 0


def test_the_yearly_transparency_report(
    tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "rejoinder.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n', encoding="utf-8")

    async def seed() -> None:
        runtime = create_runtime(load_settings(config, environ={}))
        rows = [
            ("defamation", "removed", datetime(2026, 3, 1, tzinfo=UTC), 2),
            ("defamation", "kept", datetime(2026, 5, 1, tzinfo=UTC), 9),
            ("privacy", "removed", datetime(2026, 12, 31, 23, tzinfo=UTC), 1),
            ("privacy", "open", datetime(2026, 12, 30, tzinfo=UTC), None),
            ("privacy", "removed", datetime(2025, 12, 31, 23, tzinfo=UTC), 1),  # last year
        ]
        try:
            async with runtime.db.transaction() as tx:
                for reason, status, received, days in rows:
                    await tx.conn.execute(
                        takedown_requests.insert().values(
                            site_id="news",
                            reason=reason,
                            contact_name="A",
                            contact_email="a@b.test",
                            statement="s",
                            received_at=received,
                            deadline_at=received + timedelta(days=7),
                            status=status,
                            decided_at=received + timedelta(days=days) if days else None,
                        )
                    )
        finally:
            await runtime.close()

    asyncio.run(seed())
    assert main(["--config", str(config), "takedowns", "report", "--year", "2026"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["received"] == 4
    assert report["by_outcome"] == {"kept": 1, "open": 1, "removed": 2}
    assert report["by_reason"] == {
        "defamation": {"received": 2, "kept": 1, "removed": 1},
        "privacy": {"received": 2, "open": 1, "removed": 1},
    }
    assert (report["decided_on_time"], report["decided_late"]) == (2, 1)
