"""The moderation API: roles and site scopes, queues and counts, actions, bulk actions."""

from __future__ import annotations

from typing import Any

import httpx

from factories import make_moderator, make_reader, make_story
from moderation.support import Poster, use_rules
from rejoinder.runtime import Runtime

API = "/api/v1/moderation"


async def _held(runtime: Runtime, post: Poster, n: int = 1, site: str = "news") -> list[int]:
    """``n`` pending comments on a pre-moderated story of ``site``."""
    story = await make_story(runtime, site=site, premoderated=True)
    reader = await make_reader(runtime)
    return [
        (await post(reader, story, f"Held comment {i}", site=site))["comment"]["id"]
        for i in range(n)
    ]


async def _queue(client: httpx.AsyncClient, who: Any, queue: str, **params: Any) -> Any:
    response = await client.get(f"{API}/queues/{queue}", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_readers_are_not_moderators(client: httpx.AsyncClient, runtime: Runtime) -> None:
    reader = await make_reader(runtime)
    assert (await client.get(f"{API}/queues/pending")).status_code == 401
    refused = await client.get(f"{API}/queues/pending", headers=reader.headers)
    assert refused.status_code == 403
    assert refused.json()["code"] == "moderator_required"
    staff = await make_reader(runtime, role="staff")
    assert (await client.get(f"{API}/counts", headers=staff.headers)).status_code == 403


async def test_moderators_see_and_act_on_their_sites_only(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    news_ids = await _held(runtime, post, 2)
    sport_ids = await _held(runtime, post, 1, site="sport")
    moderator = await make_moderator(runtime, sites=("news",))
    admin = await make_moderator(runtime, admin=True)
    nobody = await make_moderator(runtime, sites=())
    page = await _queue(client, moderator, "pending")
    assert [c["id"] for c in page["items"]] == news_ids
    assert page["total"] == 2
    assert (await _queue(client, nobody, "pending"))["items"] == []
    assert {c["id"] for c in (await _queue(client, admin, "pending"))["items"]} == {
        *news_ids,
        *sport_ids,
    }
    out_of_scope = await client.post(
        f"{API}/comments/{sport_ids[0]}/actions",
        json={"action": "approve"},
        headers=moderator.headers,
    )
    assert out_of_scope.status_code == 403
    assert out_of_scope.json()["code"] == "site_out_of_scope"
    filtered = await client.get(
        f"{API}/queues/pending", params={"site": "sport"}, headers=moderator.headers
    )
    assert filtered.status_code == 403
    config = (await client.get(f"{API}/config", headers=moderator.headers)).json()
    assert config["sites"] == ["news"]
    assert "toxicity" in config["phases"]


async def test_reader_history_is_scoped_to_the_moderators_sites(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    sport_reader = await make_reader(runtime)
    await post(sport_reader, await make_story(runtime, site="sport"), "Great match.", site="sport")
    news_moderator = await make_moderator(runtime, sites=("news",))
    sport_moderator = await make_moderator(runtime, sites=("sport",))
    admin = await make_moderator(runtime, admin=True)
    url = f"{API}/readers/{sport_reader.account_id}"
    hidden = await client.get(url, headers=news_moderator.headers)
    assert (hidden.status_code, hidden.json()["code"]) == (404, "reader_not_found")
    for allowed in (sport_moderator, admin):
        assert (await client.get(url, headers=allowed.headers)).status_code == 200


async def test_approve_publishes_counts_and_audits(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    [comment_id] = await _held(runtime, post)
    moderator = await make_moderator(runtime)
    before = (await client.get(f"{API}/counts", headers=moderator.headers)).json()
    assert before["pending"] == 1
    card = (await client.get(f"{API}/comments/{comment_id}", headers=moderator.headers)).json()
    assert card["phase"] == "story_premoderation"
    assert card["toxicity_band"] == "unlikely"
    assert card["findings"][0]["phase"] == "story_premoderation"
    done = await client.post(
        f"{API}/comments/{comment_id}/actions",
        json={"action": "approve"},
        headers=moderator.headers,
    )
    assert done.json() == {"changed": [comment_id], "unchanged": []}
    after = (await client.get(f"{API}/counts", headers=moderator.headers)).json()
    assert after["pending"] == 0
    assert after["approved"] == 1
    public = (await client.get(f"/api/v1/comments/{comment_id}")).json()
    assert public["comment"]["status"] == "published"
    assert public["story"]["comment_count"] == 1
    audit = (
        await client.get(f"{API}/audit", params={"comment": comment_id}, headers=moderator.headers)
    ).json()
    assert audit[0]["action"] == "comment.approve"
    assert audit[0]["before"] == {"status": "pending"}
    assert audit[0]["after"] == {"status": "published"}
    assert audit[0]["actor_id"] == moderator.account_id
    held = audit[1]  # the pipeline's own decision is audited too
    assert held["action"] == "pipeline.hold"
    assert held["actor_name"] == "pipeline"
    assert held["after"] == {"status": "pending", "phase": "story_premoderation"}
    assert held["reason"] == "story is pre-moderated"


async def test_reject_needs_a_listed_reason_and_tells_the_author(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    [comment_id] = await _held(runtime, post)
    moderator = await make_moderator(runtime)
    url = f"{API}/comments/{comment_id}/actions"
    missing = await client.post(url, json={"action": "reject"}, headers=moderator.headers)
    assert missing.status_code == 422
    assert missing.json()["code"] == "rejection_reason_required"
    unknown = await client.post(
        url, json={"action": "reject", "reason": "ugly"}, headers=moderator.headers
    )
    assert unknown.status_code == 422
    done = await client.post(
        url,
        json={"action": "reject", "reason": "off_topic", "note": "Please stay on the story."},
        headers=moderator.headers,
    )
    assert done.status_code == 200
    rejected = await _queue(client, moderator, "rejected")
    assert rejected["items"][0]["reason"] == "Please stay on the story."
    assert rejected["items"][0]["phase"] == "moderator"


async def test_feature_and_pin_published_comments(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    comment_id = (await post(reader, await make_story(runtime), "A great point."))["comment"]["id"]
    [pending_id] = await _held(runtime, post)
    moderator = await make_moderator(runtime)
    url = f"{API}/comments/{comment_id}/actions"
    for action in ("feature", "pin", "feature"):
        await client.post(url, json={"action": action}, headers=moderator.headers)
    card = (await client.get(f"{API}/comments/{comment_id}", headers=moderator.headers)).json()
    assert card["featured"] is True
    assert card["pinned"] is True
    await client.post(url, json={"action": "unfeature"}, headers=moderator.headers)
    card = (await client.get(f"{API}/comments/{comment_id}", headers=moderator.headers)).json()
    assert card["featured"] is False
    refused = await client.post(
        f"{API}/comments/{pending_id}/actions",
        json={"action": "feature"},
        headers=moderator.headers,
    )
    assert refused.status_code == 409
    audit = (
        await client.get(f"{API}/audit", params={"comment": comment_id}, headers=moderator.headers)
    ).json()
    assert [a["action"] for a in audit] == ["comment.unfeature", "comment.pin", "comment.feature"]


async def test_featured_and_pinned_show_in_the_thread_at_once(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    reader = await make_reader(runtime)
    story = await make_story(runtime)
    comment_id = (await post(reader, story, "Worth reading."))["comment"]["id"]
    thread = f"/api/v1/sites/news/stories/{story}/comments"
    first = (await client.get(thread)).json()["comments"][0]  # now cached
    assert (first["featured"], first["pinned"]) == (False, False)
    moderator = await make_moderator(runtime)
    url = f"{API}/comments/{comment_id}/actions"
    for action in ("feature", "pin"):
        await client.post(url, json={"action": action}, headers=moderator.headers)
    shown = (await client.get(thread)).json()["comments"][0]
    assert (shown["featured"], shown["pinned"]) == (True, True)
    permalink = (await client.get(f"/api/v1/comments/{comment_id}")).json()
    assert permalink["comment"]["featured"] is True


async def test_bulk_selection_and_by_filter(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    ids = await _held(runtime, post, 4)
    other_story_ids = await _held(runtime, post, 2)
    moderator = await make_moderator(runtime)
    selection = await client.post(
        f"{API}/actions",
        json={"action": "approve", "comment_ids": ids[:2]},
        headers=moderator.headers,
    )
    assert selection.json()["changed"] == ids[:2]
    by_filter = await client.post(
        f"{API}/actions",
        json={
            "action": "reject",
            "reason": "spam",
            "filter": {"queue": "pending", "q": "comment 3"},
        },
        headers=moderator.headers,
    )
    assert by_filter.json()["changed"] == [ids[3]]
    everything = await client.post(
        f"{API}/actions",
        json={"action": "approve", "filter": {"queue": "pending"}},
        headers=moderator.headers,
    )
    assert sorted(everything.json()["changed"]) == sorted([ids[2], *other_story_ids])
    counts = (await client.get(f"{API}/counts", headers=moderator.headers)).json()
    assert counts == {"pending": 0, "reported": 0, "unmoderated": 0, "approved": 5, "rejected": 1}
    neither = await client.post(
        f"{API}/actions", json={"action": "approve"}, headers=moderator.headers
    )
    assert neither.status_code == 422


async def test_a_bulk_action_is_all_or_nothing(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    news = await _held(runtime, post, 1)
    sport = await _held(runtime, post, 1, site="sport")
    moderator = await make_moderator(runtime)
    refused = await client.post(
        f"{API}/actions",
        json={"action": "approve", "comment_ids": [*news, *sport]},
        headers=moderator.headers,
    )
    assert refused.status_code == 403
    assert (await _queue(client, moderator, "pending"))["total"] == 1


async def test_reported_and_unmoderated_queues(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    use_rules(runtime, report_threshold=2)
    author = await make_reader(runtime)
    comment_id = (await post(author, await make_story(runtime), "Hot take here."))["comment"]["id"]
    moderator = await make_moderator(runtime)
    assert [c["id"] for c in (await _queue(client, moderator, "unmoderated"))["items"]] == [
        comment_id
    ]
    for reason in ("spam", "abuse"):
        reporter = await make_reader(runtime)
        response = await client.post(
            f"/api/v1/comments/{comment_id}/reports",
            json={"reason": reason},
            headers=reporter.headers,
        )
        assert response.status_code in {200, 201}, response.text
    reported = await _queue(client, moderator, "reported")
    assert reported["items"][0]["reports"] == 2
    assert reported["items"][0]["report_reasons"] == ["abuse", "spam"]
    await client.post(
        f"{API}/comments/{comment_id}/actions",
        json={"action": "approve"},
        headers=moderator.headers,
    )
    counts = (await client.get(f"{API}/counts", headers=moderator.headers)).json()
    assert counts["reported"] == 0
    assert counts["unmoderated"] == 0
    assert counts["approved"] == 1


async def test_search_by_text_author_and_phase(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    use_rules(runtime, suspect_words=["bananas"], toxicity_enabled=False)
    story = await make_story(runtime, premoderated=True)
    alice = await make_reader(runtime, display_name="Alice Example")
    bob = await make_reader(runtime, display_name="Bob Example")
    a = (await post(alice, story, "Bananas are 100% great"))["comment"]["id"]
    b = (await post(bob, story, "Apples_are fine"))["comment"]["id"]
    moderator = await make_moderator(runtime)
    assert [c["id"] for c in (await _queue(client, moderator, "pending", q="100%"))["items"]] == [a]
    assert [c["id"] for c in (await _queue(client, moderator, "pending", q="s_a"))["items"]] == [b]
    assert [
        c["id"] for c in (await _queue(client, moderator, "pending", author="bob"))["items"]
    ] == [b]
    by_phase = await _queue(client, moderator, "pending", phase="suspect_words")
    assert [c["id"] for c in by_phase["items"]] == [a]
    by_story = await _queue(client, moderator, "pending", story=story, sort="newest")
    assert [c["id"] for c in by_story["items"]] == [b, a]


async def test_an_edit_needs_a_fresh_review(
    client: httpx.AsyncClient, runtime: Runtime, post: Poster
) -> None:
    author = await make_reader(runtime)
    comment_id = (await post(author, await make_story(runtime), "Calm words."))["comment"]["id"]
    moderator = await make_moderator(runtime)
    await client.post(
        f"{API}/comments/{comment_id}/actions",
        json={"action": "approve"},
        headers=moderator.headers,
    )
    assert [c["id"] for c in (await _queue(client, moderator, "approved"))["items"]] == [comment_id]
    edited = await client.patch(
        f"/api/v1/comments/{comment_id}",
        json={"body": "Calm words, edited."},
        headers=author.headers,
    )
    assert edited.status_code == 200, edited.text
    assert [c["id"] for c in (await _queue(client, moderator, "unmoderated"))["items"]] == [
        comment_id
    ]
    assert (await _queue(client, moderator, "approved"))["items"] == []
