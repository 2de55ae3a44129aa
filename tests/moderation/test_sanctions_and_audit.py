"""Sanctions (warn, suspend, ban, pre-moderate; a site or every site), notes, a reader's
history, and the append-only audit log with its exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from factories import make_moderator, make_reader, make_story
from moderation.support import Poster
from rejoinder.kernel.clock import FrozenClock
from rejoinder.moderation.models import audit_log
from rejoinder.profiles.service import update_profile
from rejoinder.runtime import Runtime

API = "/api/v1/moderation"


async def test_network_suspension_blocks_at_the_gate_until_lifted(
    client: httpx.AsyncClient, runtime: Runtime, clock: FrozenClock
) -> None:
    reader = await make_reader(runtime)
    admin = await make_moderator(runtime, admin=True)
    story = await make_story(runtime)
    path = f"/api/v1/sites/news/stories/{story}/comments"
    url = f"{API}/readers/{reader.account_id}/sanctions"
    no_date = await client.post(url, json={"kind": "suspend"}, headers=admin.headers)
    assert no_date.json()["code"] == "until_required"
    until = (clock.now() + timedelta(days=2)).isoformat()
    made = await client.post(
        url, json={"kind": "suspend", "until": until, "reason": "Insults"}, headers=admin.headers
    )
    assert made.status_code == 201
    refused = await client.post(path, json={"body": "Hi"}, headers=reader.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "account_suspended"
    lift = await client.post(f"{API}/sanctions/{made.json()['id']}/lift", headers=admin.headers)
    assert lift.status_code == 204
    assert (await client.post(path, json={"body": "Hi"}, headers=reader.headers)).status_code == 201


async def test_site_ban_with_reject_existing(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    news, sport = await make_story(runtime), await make_story(runtime, site="sport")
    on_news = [(await post(reader, news, f"News comment {n}"))["comment"]["id"] for n in range(2)]
    on_sport = (await post(reader, sport, "Sport comment", site="sport"))["comment"]["id"]
    moderator = await make_moderator(runtime, sites=("news",))
    network = await client.post(
        f"{API}/readers/{reader.account_id}/sanctions",
        json={"kind": "ban"},
        headers=moderator.headers,
    )
    assert network.status_code == 403  # every site is an admin's call
    made = await client.post(
        f"{API}/readers/{reader.account_id}/sanctions",
        json={"kind": "ban", "site": "news", "reason": "Spam", "reject_existing": True},
        headers=moderator.headers,
    )
    assert made.status_code == 201
    rejected = (await client.get(f"{API}/queues/rejected", headers=moderator.headers)).json()
    assert sorted(c["id"] for c in rejected["items"]) == sorted(on_news)
    public = (await client.get(f"/api/v1/sites/news/stories/{news}/comments")).json()
    assert public["story"]["comment_count"] == 0
    path = f"/api/v1/sites/news/stories/{news}/comments"
    refused = await client.post(path, json={"body": "Hi"}, headers=reader.headers)
    assert refused.json()["code"] == "account_banned"
    sport_path = f"/api/v1/sites/sport/stories/{sport}/comments"
    assert (
        await client.post(sport_path, json={"body": "Hi"}, headers=reader.headers)
    ).status_code == 201
    admin = await make_moderator(runtime, admin=True)
    card = (await client.get(f"{API}/comments/{on_sport}", headers=admin.headers)).json()
    assert card["status"] == "published"


async def test_premoderate_and_warn(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    moderator = await make_moderator(runtime)
    url = f"{API}/readers/{reader.account_id}/sanctions"
    for kind in ("warn", "premoderate"):
        response = await client.post(
            url, json={"kind": kind, "site": "news"}, headers=moderator.headers
        )
        assert response.status_code == 201
    created = await post(reader, await make_story(runtime), "Still here.")
    assert created["moderation"]["status"] == "pending"
    history = (
        await client.get(f"{API}/readers/{reader.account_id}", headers=moderator.headers)
    ).json()
    assert [s["kind"] for s in history["sanctions"]] == ["premoderate", "warn"]
    assert [a["action"] for a in history["status_changes"]] == [
        "pipeline.hold",
        "reader.premoderate",
        "reader.warn",
    ]


async def test_moderators_cannot_sanction_moderators(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    moderator = await make_moderator(runtime)
    colleague = await make_moderator(runtime)
    refused = await client.post(
        f"{API}/readers/{colleague.account_id}/sanctions",
        json={"kind": "ban", "site": "news"},
        headers=moderator.headers,
    )
    assert refused.json()["code"] == "cannot_sanction_staff"


async def test_history_notes_names_and_rejection_rate(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster, clock: FrozenClock
) -> None:
    from factories import viewer

    reader = await make_reader(runtime, display_name="First Name")
    clock.advance(days=20)
    await update_profile(runtime, await viewer(runtime, reader.account_id), "Second Name", None)
    story = await make_story(runtime)
    ids = [(await post(reader, story, f"Opinion {n}"))["comment"]["id"] for n in range(4)]
    moderator = await make_moderator(runtime)
    await client.post(
        f"{API}/comments/{ids[0]}/actions",
        json={"action": "reject", "reason": "abusive"},
        headers=moderator.headers,
    )
    note = await client.post(
        f"{API}/readers/{reader.account_id}/notes",
        json={"body": "Called them."},
        headers=moderator.headers,
    )
    assert note.status_code == 201
    history = (
        await client.get(f"{API}/readers/{reader.account_id}", headers=moderator.headers)
    ).json()
    assert history["counts"] == {"published": 3, "rejected": 1}
    assert history["rejection_rate"] == 0.25
    assert [n["display_name"] for n in history["names"]][:2] == ["Second Name", "First Name"]
    assert history["notes"][0]["body"] == "Called them."
    card = (await client.get(f"{API}/comments/{ids[1]}", headers=moderator.headers)).json()
    assert card["author"]["rejection_rate"] == 0.25
    assert (await client.get(f"{API}/readers/999999", headers=moderator.headers)).status_code == 404


async def test_audit_log_is_append_only(client: httpx.AsyncClient, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    moderator = await make_moderator(runtime)
    await client.post(
        f"{API}/readers/{reader.account_id}/notes", json={"body": "x"}, headers=moderator.headers
    )
    with pytest.raises(DBAPIError):
        async with runtime.db.transaction() as tx:
            await tx.conn.execute(update(audit_log).values(note="rewritten"))
    with pytest.raises(DBAPIError):
        async with runtime.db.transaction() as tx:
            await tx.conn.execute(audit_log.delete())


async def test_audit_export_jsonl_and_csv(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    story = await make_story(runtime, premoderated=True)
    reader = await make_reader(runtime)
    ids = [(await post(reader, story, f"Held {n}"))["comment"]["id"] for n in range(3)]
    moderator = await make_moderator(runtime)
    await client.post(
        f"{API}/actions", json={"action": "approve", "comment_ids": ids}, headers=moderator.headers
    )
    jsonl = await client.get(f"{API}/audit/export", headers=moderator.headers)
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in jsonl.text.splitlines()]
    assert [(line["action"], line["comment_id"]) for line in lines] == [
        *(("pipeline.hold", i) for i in ids),
        *(("comment.approve", i) for i in ids),
    ]
    exported = await client.get(
        f"{API}/audit/export", params={"format": "csv"}, headers=moderator.headers
    )
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [int(r["comment_id"]) for r in rows] == [*ids, *ids]
    assert json.loads(rows[3]["after"]) == {"status": "published"}
    assert rows[0]["actor_name"] == "pipeline"
    other = await make_moderator(runtime, sites=("sport",))
    assert (await client.get(f"{API}/audit/export", headers=other.headers)).text == ""


async def test_admins_grant_sites_to_moderators(
    client: httpx.AsyncClient, runtime: Runtime
) -> None:
    admin = await make_moderator(runtime, admin=True)
    moderator = await make_moderator(runtime, sites=())
    url = f"{API}/moderators/{moderator.account_id}/sites/sport"
    assert (await client.put(url, headers=moderator.headers)).status_code == 403
    assert (await client.put(url, headers=admin.headers)).status_code == 204
    config = (await client.get(f"{API}/config", headers=moderator.headers)).json()
    assert config["sites"] == ["sport"]
    assert (await client.delete(url, headers=admin.headers)).status_code == 204
    config = (await client.get(f"{API}/config", headers=moderator.headers)).json()
    assert config["sites"] == []
    reader = await make_reader(runtime)
    refused = await client.put(
        f"{API}/moderators/{reader.account_id}/sites/news", headers=admin.headers
    )
    assert refused.json()["code"] == "not_a_moderator"


async def test_csv_export_keeps_formulas_inert(client: httpx.AsyncClient, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    admin = await make_moderator(runtime, admin=True)
    await client.post(
        f"{API}/readers/{reader.account_id}/notes",
        json={"body": '=HYPERLINK("http://evil.test")'},
        headers=admin.headers,
    )
    exported = await client.get(
        f"{API}/audit/export", params={"format": "csv"}, headers=admin.headers
    )
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["note"] == '\'=HYPERLINK("http://evil.test")'


async def test_desk_page_and_assets_are_served(client: httpx.AsyncClient) -> None:
    page = await client.get("/admin", params={"lang": "ja"})
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    script = page.text.split('src="')[1].split('"')[0]
    module = await client.get(script)
    assert module.status_code == 200
    assert module.headers["content-type"].startswith("text/javascript")
    catalogue = await client.get(script.replace("desk.js", "i18n/ja.json"))
    assert catalogue.json()["queue.pending"] == "承認待ち"
