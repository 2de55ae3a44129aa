"""Reading threads: sorts, keyset pagination, replies, permalinks, pending and tombstones."""

from __future__ import annotations

import json
from typing import Any

import httpx

from factories import make_comment, make_reader, make_story, moderate, viewer
from rejoinder.accounts.viewer import Viewer
from rejoinder.comments.decisions import Decision, ModerationContext
from rejoinder.kernel.clock import FrozenClock
from rejoinder.runtime import Runtime

Client = httpx.AsyncClient


async def page(
    client: Client, story: str, headers: dict[str, str] | None = None, **params: Any
) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/sites/news/stories/{story}/comments", params=params, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [c["id"] for c in body["comments"]]


async def test_sorts(client: Client, runtime: Runtime, clock: FrozenClock) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    made = []
    for n in range(4):
        made.append((await make_comment(runtime, author, story, f"c{n}"))["id"])
        clock.advance(minutes=1)
    a, b, c, d = made
    for _ in range(2):
        await make_comment(runtime, author, story, "r", parent_id=b)
    await make_comment(runtime, author, story, "r", parent_id=c)
    for _ in range(3):
        fan = await make_reader(runtime)
        await client.put(f"/api/v1/comments/{c}/reactions/like", headers=fan.headers)
    fan = await make_reader(runtime)
    await client.put(f"/api/v1/comments/{a}/reactions/like", headers=fan.headers)
    assert ids(await page(client, story)) == [d, c, b, a]
    assert ids(await page(client, story, sort="oldest")) == [a, b, c, d]
    assert ids(await page(client, story, sort="reactions")) == [c, a, d, b]
    assert ids(await page(client, story, sort="replies")) == [b, c, d, a]
    top = await page(client, story, sort="reactions")
    assert top["comments"][0]["reactions"] == {"like": 3}
    assert top["story"]["comment_count"] == 7


async def test_cursor_pages_are_stable_while_comments_arrive(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    for n in range(7):
        await make_comment(runtime, author, story, f"c{n}")
        if n % 2:
            clock.advance(seconds=1)  # ties on created_at are broken by id
    first = await page(client, story, limit=3)
    assert first["next_cursor"]
    for n in range(3):  # new comments land on top while the reader pages down
        await make_comment(runtime, author, story, f"new{n}")
    second = await page(client, story, limit=3, cursor=first["next_cursor"])
    third = await page(client, story, limit=3, cursor=second["next_cursor"])
    seen = ids(first) + ids(second) + ids(third)
    assert len(seen) == len(set(seen)) == 7
    assert third["next_cursor"] is None
    oldest = await page(client, story, sort="oldest", limit=4)
    rest = await page(client, story, sort="oldest", limit=10, cursor=oldest["next_cursor"])
    assert len(ids(oldest) + ids(rest)) == 10


async def test_cursor_of_another_sort_is_refused(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    for n in range(3):
        await make_comment(runtime, author, story, f"c{n}")
    first = await page(client, story, limit=1)
    response = await client.get(
        f"/api/v1/sites/news/stories/{story}/comments",
        params={"sort": "oldest", "cursor": first["next_cursor"]},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


async def test_replies_preview_replies_and_permalink(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime, plan="premium", role="staff")
    root = await make_comment(runtime, author, story, "root")
    replies = [
        (await make_comment(runtime, author, story, f"r{n}", parent_id=root["id"]))["id"]
        for n in range(5)
    ]
    deep = await make_comment(runtime, author, story, "deep", parent_id=replies[0])
    body = await page(client, story)
    top = body["comments"][0]
    assert top["reply_count"] == 5
    assert [r["id"] for r in top["replies"]] == replies[:3]
    assert top["author"]["badges"] == ["Staff", "Premium"]
    assert "email" not in str(body)
    listed = (await client.get(f"/api/v1/comments/{root['id']}/replies?limit=2")).json()
    assert [r["id"] for r in listed["comments"]] == replies[:2]
    more = (
        await client.get(
            f"/api/v1/comments/{root['id']}/replies", params={"cursor": listed["next_cursor"]}
        )
    ).json()
    assert [r["id"] for r in more["comments"]] == replies[2:]
    link = (await client.get(f"/api/v1/comments/{deep['id']}")).json()
    assert link["comment"]["id"] == deep["id"]
    assert [a["id"] for a in link["ancestors"]] == [root["id"], replies[0]]
    assert link["story"]["id"] == story
    assert deep["depth"] == 2


class HoldLinks:
    async def decide(self, ctx: ModerationContext) -> Decision:
        if "http" in ctx.body:
            return Decision(
                status="pending",
                reason="Links are checked first.",
                detail="link policy",
                phase="links",
            )
        return Decision(status="published")


async def test_pending_is_for_the_author_only(client: Client, runtime: Runtime) -> None:
    runtime.moderation = HoldLinks()
    story = await make_story(runtime)
    author = await make_reader(runtime)
    other = await make_reader(runtime)
    visible = await make_comment(runtime, author, story, "plain")
    response = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "see http://x.test"},
        headers=author.headers,
    )
    assert response.status_code == 201
    held = response.json()
    assert held["moderation"] == {"status": "pending", "reason": "Links are checked first."}
    reply = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "http://y.test", "parent_id": visible["id"]},
        headers=author.headers,
    )
    assert reply.status_code == 201
    mine = await page(client, story, author.headers)
    assert ids(mine) == [held["comment"]["id"], visible["id"]]
    assert mine["comments"][0]["status"] == "pending"
    assert mine["comments"][0]["moderation_reason"] == "Links are checked first."
    assert [r["status"] for r in mine["comments"][1]["replies"]] == ["pending"]
    assert "link policy" not in str(mine)
    for headers in (other.headers, {}):
        theirs = await page(client, story, headers)
        assert ids(theirs) == [visible["id"]]
        assert theirs["comments"][0]["replies"] == []
        assert theirs["story"]["comment_count"] == 1
    hidden = await client.get(f"/api/v1/comments/{held['comment']['id']}", headers=other.headers)
    assert hidden.status_code == 404
    await moderate(runtime, held["comment"]["id"], "approve")
    assert len(ids(await page(client, story))) == 2
    assert (await page(client, story))["story"]["comment_count"] == 2


async def test_tombstones_keep_the_thread(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    replier = await make_reader(runtime)
    parent = await make_comment(runtime, author, story, "parent text")
    child = await make_comment(runtime, replier, story, "child", parent_id=parent["id"])
    lonely = await make_comment(runtime, author, story, "lonely")
    for target in (parent, lonely):
        response = await client.delete(f"/api/v1/comments/{target['id']}", headers=author.headers)
        assert response.status_code == 204
    again = await client.delete(f"/api/v1/comments/{lonely['id']}", headers=author.headers)
    assert again.status_code == 204
    body = await page(client, story)
    assert ids(body) == [parent["id"]]
    tomb = body["comments"][0]
    assert tomb["deleted"] is True
    assert tomb["author"] is None
    assert tomb["body_html"] == ""
    assert [r["id"] for r in tomb["replies"]] == [child["id"]]
    assert body["story"]["comment_count"] == 1
    assert "parent text" not in str(body)
    reply = await client.post(
        f"/api/v1/sites/news/stories/{story}/comments",
        json={"body": "to a tombstone", "parent_id": parent["id"]},
        headers=replier.headers,
    )
    assert reply.json()["code"] == "parent_not_found"
    assert (await client.get(f"/api/v1/comments/{lonely['id']}")).status_code == 404


async def test_rejected_comments_are_never_shown(client: Client, runtime: Runtime) -> None:
    story = await make_story(runtime)
    author = await make_reader(runtime)
    comment = await make_comment(runtime, author, story, "bad")
    await moderate(runtime, comment["id"], "reject")
    for headers in (author.headers, {}):
        body = await page(client, story, headers)
        assert body["comments"] == []
        assert body["story"]["comment_count"] == 0


async def test_a_readers_overlay_matches_an_uncached_read(
    client: Client, runtime: Runtime, clock: FrozenClock
) -> None:
    """A signed-in page is the cached public page with the reader's overlay spliced in: it
    must equal the same page read without the cache, for every sort, on both pages."""
    from rejoinder.comments.cache import NullPageCache
    from rejoinder.comments.reading import read_page

    story = await make_story(runtime)
    author = await make_reader(runtime, plan="premium", role="moderator")
    me = await make_reader(runtime)
    roots = []
    for n in range(6):
        roots.append((await make_comment(runtime, author, story, f"*c{n}*"))["id"])
        clock.advance(seconds=1)
    for n in range(5):
        await make_comment(runtime, me, story, f"r{n}", parent_id=roots[n % 2])
        clock.advance(seconds=1)
    runtime.moderation = HoldLinks()
    held_top = await make_comment(runtime, me, story, "see https://example.com")
    held_reply = await make_comment(
        runtime, me, story, "reply https://example.com", parent_id=roots[5]
    )
    assert held_top["status"] == held_reply["status"] == "pending"
    for target in (roots[1], roots[4]):
        await client.put(f"/api/v1/comments/{target}/reactions/like", headers=me.headers)
    await client.delete(f"/api/v1/comments/{roots[0]}", headers=author.headers)
    viewer_of_me = await viewer(runtime, me.account_id)
    cached = runtime.cache

    async def read(sort: str, cursor: str | None, who: Viewer | None) -> Any:
        body = await read_page(
            runtime,
            "news",
            story,
            sort=sort,  # type: ignore[arg-type]
            limit=2,
            cursor=cursor,
            url=None,
            title=None,
            viewer=who,
        )
        return json.loads(body)

    for sort in ("newest", "oldest", "reactions", "replies"):
        for second in (False, True):
            pages = []
            for cache in (cached, NullPageCache()):
                runtime.cache = cache
                after = (await read(sort, None, viewer_of_me))["next_cursor"] if second else None
                await read(sort, after, None)  # warm the shared page
                pages.append(await read(sort, after, viewer_of_me))
            runtime.cache = cached
            assert pages[0] == pages[1], (sort, second)
    # And what the overlay adds, spelled out (both sides above share the splice).
    mine = await read("newest", None, viewer_of_me)
    assert mine["comments"][0]["id"] == held_top["id"]  # newest first, pending, mine only
    assert mine["comments"][0]["status"] == "pending"
    by_id = {c["id"]: c for c in mine["comments"]}
    assert by_id[roots[4]]["reacted"] == ["like"]
    public = await read("newest", None, None)
    assert held_top["id"] not in {c["id"] for c in public["comments"]}
    assert all(c["reacted"] == [] for c in public["comments"])
    for sort in ("oldest", "newest"):
        whole = await read_page(
            runtime,
            "news",
            story,
            sort=sort,
            limit=20,  # type: ignore[arg-type]
            cursor=None,
            url=None,
            title=None,
            viewer=viewer_of_me,
        )
        parent = next(c for c in json.loads(whole)["comments"] if c["id"] == roots[5])
        assert held_reply["id"] in [r["id"] for r in parent["replies"]]
