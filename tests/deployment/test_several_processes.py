"""Two real ``rejoinder serve`` processes on one PostgreSQL database and one Redis.

The smoke test of the fleet harness (tests/support/processes.py): what one process writes,
the other serves; a process killed with SIGKILL takes nothing down with it. The cross-process
cache, rate-limit, plan and event assertions of issue 8 build on this harness.
"""

from __future__ import annotations

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
