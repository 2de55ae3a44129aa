"""Imported authors: shown as imported, their names reserved, their history claimable."""

from __future__ import annotations

import pytest

from factories import make_reader, sso_token, viewer
from imports.support import FIXTURES, imported, run_import
from rejoinder.accounts.service import sign_in_with_sso
from rejoinder.kernel.errors import Conflict
from rejoinder.profiles.service import check_display_name, update_profile
from rejoinder.runtime import Runtime

DISQUS = FIXTURES / "disqus-cases.xml"


async def test_imported_authors_are_marked_and_cannot_sign_in(client, runtime: Runtime) -> None:
    await run_import(runtime, "disqus", DISQUS, create_stories=True)
    rows = await imported(runtime, "disqus")
    response = await client.get("/api/v1/sites/news/stories/story-known/comments")
    assert response.status_code == 200, response.text
    authors = {
        c["author"]["display_name"]: c["author"]["badges"]
        for c in response.json()["comments"]
        if c["author"]
    }
    assert authors["Alice Archer"] == ["Imported"]
    assert rows["p1"]["role"] == "imported"


async def test_a_subscriber_cannot_take_an_imported_name(runtime: Runtime) -> None:
    await run_import(runtime, "disqus", DISQUS, create_stories=True)
    reader = await make_reader(runtime, display_name=None)
    me = await viewer(runtime, reader.account_id)
    check = await check_display_name(runtime, "alice archer", reader.account_id)
    assert not check.available
    assert check.code == "display_name_taken"
    for name in ("Alice Archer", "ALICE ARCHER", "Alice_Archer"):  # the same, look-alikes
        with pytest.raises(Conflict, match=r"already taken|looks too much like"):
            await update_profile(runtime, me, name, None)


async def test_sso_with_the_verified_email_claims_the_history(runtime: Runtime) -> None:
    await run_import(runtime, "disqus", DISQUS, create_stories=True)
    now = runtime.clock.now()
    unverified = sso_token(now=now, sub="alice-sub", email="Alice@Example.org", plan="digital")
    grant = await sign_in_with_sso(runtime, unverified)
    rows = await imported(runtime, "disqus")
    assert rows["p1"]["account_id"] != grant.account_id  # not verified: nothing claimed
    verified = sso_token(
        now=now,
        sub="alice-sub",
        email="alice@example.org",
        email_verified=True,
        plan="digital",
        jti="second",
    )
    grant = await sign_in_with_sso(runtime, verified)
    rows = await imported(runtime, "disqus")
    assert rows["p1"]["account_id"] == grant.account_id
    assert rows["p1"]["role"] == "commenter"
    assert rows["p2"]["account_id"] != grant.account_id  # Bob's stays Bob's
    # The reserved name is now hers to take.
    me = await viewer(runtime, grant.account_id)
    await update_profile(runtime, me, "Alice Archer", None)
    other = await make_reader(runtime, display_name=None)
    check = await check_display_name(runtime, "Alice Archer", other.account_id)
    assert not check.available
