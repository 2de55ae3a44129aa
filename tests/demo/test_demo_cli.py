"""The demo command: a taken port is explained before any banner, links follow a new port."""

from __future__ import annotations

import socket

import pytest

from rejoinder.app import create_runtime
from rejoinder.cli import main, parser
from rejoinder.demo.config import demo_settings
from rejoinder.demo.seed import seed
from rejoinder.settings import SsoKey
from rejoinder.stories.queries import find_story

SECRET = "demo-tests-secret-0123456789abcdefghij"


def test_a_taken_port_is_explained(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["demo", "--port", str(port), "--database", "sqlite:///unused.sqlite3"])
    out = capsys.readouterr()
    assert code == 3
    assert f"cannot listen on 127.0.0.1:{port}" in out.err
    assert f"--port {port + 1}" in out.err
    assert "Rejoinder demo: http" not in out.out  # no banner promising a dead address


def test_demo_options_are_described() -> None:
    demo = parser()._subparsers._group_actions[0].choices["demo"]  # type: ignore[union-attr]
    text = demo.format_help()
    assert "TCP port on 127.0.0.1" in text
    assert "database URL" in text


async def test_stored_links_follow_the_port(database_url: str) -> None:
    async def seeded(port: int) -> list[str]:
        settings = demo_settings(database_url, port)
        settings.sso.keys = [SsoKey(kid="demo", algorithm="HS256", secret=SECRET)]
        runtime = create_runtime(settings)
        try:
            await seed(runtime)
            async with runtime.db.read() as conn:
                stories = [
                    await find_story(conn, "demo", slug)
                    for slug in ("harbour-bridge-reopens", "election-night-results")
                ]
            assert all(story is not None for story in stories)
            return [f"{s.status} {s.url}" for s in stories if s is not None]
        finally:
            await runtime.db.close()

    first = await seeded(8123)
    assert all(" http://127.0.0.1:8123/articles/" in line for line in first)
    assert first[1].startswith("closed ")  # a closed story stays closed when it moves
    moved = await seeded(8124)
    assert moved == [url.replace(":8123/", ":8124/") for url in first]
