"""Two real ``rejoinder serve`` processes on one PostgreSQL database and one Redis.

The smoke test of the fleet harness (tests/support/processes.py): what one process writes,
the other serves; a process killed with SIGKILL takes nothing down with it. The cross-process
cache, rate-limit, plan and event assertions of issue 8 build on this harness.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest

from support.processes import ADMIN_KEY, SITE, Fleet, ServeProcess, sso_token
from support.redis_server import RedisServer

pytestmark = pytest.mark.processes
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}


def signed_in(process: ServeProcess, subject: str, name: str) -> dict[str, str]:
    with process.client() as http:
        session = http.post("/api/v1/auth/sso", json={"token": sso_token(subject)})
        assert session.status_code == 200, session.text
        headers = {"Authorization": f"Bearer {session.json()['access_token']}"}
        profile = http.put("/api/v1/me/profile", json={"display_name": name}, headers=headers)
        assert profile.status_code == 200, profile.text
    return headers


def page(process: ServeProcess, story: str) -> httpx.Response:
    with process.client() as http:
        return http.get(f"/api/v1/sites/{SITE}/stories/{story}/comments")


def test_two_processes_serve_the_same_story(fleet: Fleet) -> None:
    first, second = fleet.start(2)
    assert first.port != second.port
    with first.client() as http:
        story = http.put(
            f"/api/v1/admin/sites/{SITE}/stories/harbour",
            json={"title": "Harbour reopens", "url": "https://news.test/harbour"},
            headers=ADMIN,
        )
        assert story.status_code == 200, story.text

    # Signed in through the first process, posting through the second: one database.
    reader = signed_in(first, "reader-1", "Harbour Watcher")
    with second.client() as http:
        posted = http.post(
            f"/api/v1/sites/{SITE}/stories/harbour/comments",
            json={"body": "Good news for the fishing fleet."},
            headers=reader,
        )
        assert posted.status_code in (200, 201), posted.text

    for process in (first, second):
        served = page(process, "harbour")
        assert served.status_code == 200, served.text
        bodies = [c["body_html"] for c in served.json()["comments"]]
        assert any("fishing fleet" in body for body in bodies), (process.name, bodies)
        assert served.json()["story"]["comment_count"] == 1


def test_a_killed_process_takes_nothing_down(fleet: Fleet) -> None:
    first, second = fleet.start(2)
    first.kill()
    assert not first.alive
    with second.client() as http:
        assert http.get("/healthz").json()["status"] == "ok"
    replacement = fleet.add()
    with replacement.client() as http:
        assert http.get("/healthz").status_code == 200
    assert page(replacement, "nowhere").status_code == 404


def test_processes_keep_serving_while_their_redis_restarts(
    fleet_on_private_redis: tuple[Fleet, RedisServer],
) -> None:
    fleet, redis_server = fleet_on_private_redis
    first, second = fleet.start(2)
    redis_server.kill()
    for process in (first, second):
        with process.client() as http:
            assert http.get("/healthz").status_code == 200
            assert page(process, "nowhere").status_code == 404  # a problem, not a 5xx
    redis_server.start()
    for process in (first, second):
        assert process.alive, fleet.logs()


# -- issue 8: what several processes must agree on -------------------------------------------


def _story(process: ServeProcess, key: str) -> None:
    with process.client() as http:
        response = http.put(
            f"/api/v1/admin/sites/{SITE}/stories/{key}",
            json={"title": f"Story {key}", "url": f"https://news.test/{key}"},
            headers=ADMIN,
        )
        assert response.status_code == 200, response.text


def _post(process: ServeProcess, story: str, headers: dict[str, str], body: str) -> httpx.Response:
    with process.client() as http:
        return http.post(
            f"/api/v1/sites/{SITE}/stories/{story}/comments", json={"body": body}, headers=headers
        )


def _bodies(process: ServeProcess, story: str) -> list[str]:
    served = page(process, story)
    assert served.status_code == 200, served.text
    return [c["body_html"] for c in served.json()["comments"]]


def _until(condition: Callable[[], bool], within: float) -> float:
    """Seconds until ``condition`` holds (checked every 10 ms), failing after ``within``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within} s")
        time.sleep(0.01)
    return time.monotonic() - started


def test_a_comment_through_one_is_on_the_others_warm_page(fleet: Fleet) -> None:
    # A poll slower than the test: only the Redis wake-up can make the second page fresh.
    fleet.config["events"] = {"poll_seconds": 60}
    first, second = fleet.start(2)
    _story(first, "warm")
    reader = signed_in(first, "reader-warm", "Warm Reader")
    assert _post(first, "warm", reader, "First words.").status_code == 201
    assert any("First words" in b for b in _bodies(second, "warm"))
    assert _bodies(second, "warm") == _bodies(second, "warm")  # served from its cache now
    assert _post(first, "warm", reader, "Second words.").status_code == 201
    seconds = _until(lambda: any("Second words" in b for b in _bodies(second, "warm")), 2.0)
    assert seconds < 1.0, fleet.logs()


def test_a_readers_rate_limit_counts_posts_through_both(fleet: Fleet) -> None:
    fleet.config["comments"] = {"rate_limit_count": 3, "rate_limit_window_seconds": 3600}
    first, second = fleet.start(2)
    _story(first, "limits")
    reader = signed_in(first, "reader-limits", "Limited Reader")
    answers = [
        _post(process, "limits", reader, f"Comment number {n}.").status_code
        for n, process in enumerate((first, second, first, second, first))
    ]
    assert answers == [201, 201, 201, 429, 429], fleet.logs()


def test_a_plan_lapse_through_one_refuses_a_post_through_the_other(fleet: Fleet) -> None:
    first, second = fleet.start(2)
    _story(first, "lapse")
    reader = signed_in(first, "reader-lapse", "Lapsing Reader")
    assert _post(second, "lapse", reader, "While subscribed.").status_code == 201
    with second.client() as http:  # the second process has this reader's lookup cached now
        assert http.get("/api/v1/me", headers=reader).status_code == 200
    with first.client() as http:
        lapsed = http.put(
            "/api/v1/admin/subscribers/reader-lapse", json={"plan": "free"}, headers=ADMIN
        )
        assert lapsed.status_code == 200, lapsed.text
    refused = _post(second, "lapse", reader, "After the lapse.")
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "plan_does_not_allow_commenting"


def test_killing_redis_loses_no_event(fleet_on_private_redis: tuple[Fleet, RedisServer]) -> None:
    fleet, redis_server = fleet_on_private_redis
    fleet.config["events"] = {"poll_seconds": 60}  # only wake-ups (and reconnects) count here
    first, second = fleet.start(2)
    _story(first, "outage")
    reader = signed_in(first, "reader-outage", "Outage Reader")
    assert _post(first, "outage", reader, "Before the outage.").status_code == 201
    _until(lambda: any("Before the outage" in b for b in _bodies(second, "outage")), 2.0)
    redis_server.kill()
    during = [f"During the outage {n}." for n in range(3)]
    for body in during:  # accepted while Redis is down; the events wait in the log
        assert _post(first, "outage", reader, body).status_code == 201, fleet.logs()
    redis_server.start()
    _until(lambda: all(any(d in b for b in _bodies(second, "outage")) for d in during), 30.0)
    assert len(_bodies(second, "outage")) == 4
