"""The committed nginx example (deploy/nginx/rejoinder.conf) in front of two processes.

Debian's nginx runs the example as committed (listen and upstream lines pointed at this
test): pages are read through it, the requests are spread over both processes with the
reader's address passed on, and a process killed with SIGKILL is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from support.nginx import Nginx, start_nginx
from support.processes import ADMIN_KEY, SITE, Fleet

pytestmark = pytest.mark.processes
HOST = {"Host": "comments.example.com"}


@pytest.fixture
def nginx(fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    processes = fleet.start(2)
    server = start_nginx(tmp_path_factory.mktemp("nginx"), [p.port for p in processes])
    try:
        yield server
    finally:
        server.stop()


def _page_clients(log: str) -> list[str]:
    """The client address of every access-log line (JSON) for the story's page."""
    clients = []
    for line in log.splitlines():
        if not line.startswith("{"):
            continue
        entry = json.loads(line)
        if entry.get("route") == "/api/v1/sites/{site}/stories/{story_id}/comments":
            clients.append(entry["client"])
    return clients


def test_pages_are_served_through_nginx_by_every_process(nginx: Nginx, fleet: Fleet) -> None:
    with httpx.Client(base_url=nginx.base_url, headers=HOST, timeout=10) as http:
        created = http.put(
            f"/api/v1/admin/sites/{SITE}/stories/tide",
            json={"title": "High tide", "url": "https://news.test/tide"},
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
        )
        assert created.status_code == 200, created.text
        for _ in range(6):
            page = http.get(
                f"/api/v1/sites/{SITE}/stories/tide/comments",
                headers={"X-Forwarded-For": "203.0.113.9"},
            )
            assert page.status_code == 200, page.text
            assert page.json()["story"]["title"] == "High tide"
    served = {p.name: _page_clients(p.log_path.read_text()) for p in fleet.processes}
    # Round robin over the upstream: both processes served the page...
    assert all(served.values()), fleet.logs()
    # ...and saw the reader's address (X-Forwarded-For, trusted from nginx on 127.0.0.1).
    assert {client for hits in served.values() for client in hits} == {"203.0.113.9"}, fleet.logs()


def test_nginx_skips_a_process_that_was_killed(nginx: Nginx, fleet: Fleet) -> None:
    fleet.processes[0].kill()
    with httpx.Client(base_url=nginx.base_url, headers=HOST, timeout=10) as http:
        answers = [http.get("/healthz").status_code for _ in range(6)]
    assert answers == [200] * 6, nginx.error_log()
