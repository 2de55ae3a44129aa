"""The reads before a post (comments.post_reads): one unit of work run in one hop (``run_read``),
held here to the same unit run statement by statement on a ``read()`` connection."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
import pytest

from factories import make_comment, make_reader, make_story, viewer
from rejoinder.comments import idempotency
from rejoinder.comments.post_reads import Gate, _gate, read_gate
from rejoinder.comments.service import create_comment
from rejoinder.kernel.errors import Invalid
from rejoinder.runtime import Runtime


def claim(runtime: Runtime, account_id: int, story: str, body: str) -> idempotency.Claim:
    return idempotency.Claim(
        account_id=account_id,
        key="gate-key",
        fingerprint=idempotency.request_hash("comment", "news", story, body, None),
        now=runtime.clock.now(),
        ttl=timedelta(hours=runtime.settings.comments.idempotency_ttl_hours),
    )


def plain(gate: Gate) -> tuple[Any, ...]:
    """Comparable whatever the row type (SQLAlchemy row or named tuple)."""
    parent = None if gate.parent is None else tuple(gate.parent)
    return gate.stored, gate.story, parent


async def both(
    runtime: Runtime,
    story: str,
    parent_id: int | None = None,
    key: idempotency.Claim | None = None,
) -> tuple[Any, ...]:
    """The gate statement by statement and in one hop (the path posts take): must agree."""
    async with runtime.db.read() as conn:
        expected = plain(await _gate(conn, "news", story, parent_id, key))
    assert plain(await read_gate(runtime, "news", story, parent_id, key)) == expected
    return expected


async def test_story_and_parent_read_the_same(runtime: Runtime) -> None:
    story = await make_story(runtime)
    other = await make_story(runtime)
    reader = await make_reader(runtime)
    parent = await make_comment(runtime, reader, story, "Parent")
    elsewhere = await make_comment(runtime, reader, other, "Elsewhere")
    stored, found, row = await both(runtime, story, parent["id"])
    assert stored is None
    assert found.story_key == story
    assert row[0] == parent["id"]
    assert (await both(runtime, story))[2] is None
    assert (await both(runtime, story, 10**9))[2] is None
    assert (await both(runtime, story, elsewhere["id"]))[2][1] != found.id
    assert (await both(runtime, "no-such-story"))[1] is None


async def test_idempotency_keys_read_the_same(runtime: Runtime) -> None:
    story = await make_story(runtime)
    reader = await make_reader(runtime)
    fresh = claim(runtime, reader.account_id, story, "Once")
    assert (await both(runtime, story, None, fresh))[0] is None  # nothing stored yet
    await create_comment(
        runtime,
        await viewer(runtime, reader.account_id),
        "news",
        story,
        "Once",
        None,
        idempotency_key="gate-key",
        client="gate-test",
    )
    stored, found, parent = await both(runtime, story, None, fresh)
    assert stored is not None
    assert stored.replayed
    assert (found, parent) == (None, None)  # a replay reads nothing else
    later = msgspec.structs.replace(fresh, now=fresh.now + fresh.ttl)
    assert (await both(runtime, story, None, later))[0] is None  # expired: posts anew
    other = claim(runtime, reader.account_id, story, "Something else")
    with pytest.raises(Invalid) as refused:
        async with runtime.db.read() as conn:
            await _gate(conn, "news", story, None, other)
    assert refused.value.code == "idempotency_key_reused"
    with pytest.raises(Invalid) as refused:
        await read_gate(runtime, "news", story, None, other)
    assert refused.value.code == "idempotency_key_reused"
