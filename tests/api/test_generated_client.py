"""A client generated from docs/openapi.json drives the main reader flow against the real server.

openapi-python-client (the generator many Python teams use) writes a typed package into a temp
folder; the test imports it and, against the app under uvicorn: signs a reader in through SSO,
sets a display name, posts a comment and reads the story's page. Errors come back as the typed
problem models of the document, with ``code`` an enum of the documented values, so a client
can branch on them without parsing text.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from api.served import Served, serve
from conftest import ADMIN_KEY, RsaPair

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
PACKAGE = "rejoinder_generated_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("client")
    config = folder / "config.yaml"
    # No post hooks: the generator would run ruff over the code, which says nothing here.
    config.write_text(
        f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(DOCUMENT),
            "--meta",
            "none",
            "--config",
            str(config),
            "--output-path",
            str(folder / PACKAGE),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server(
    template_database: str, tmp_path_factory: pytest.TempPathFactory, rsa_key: RsaPair
) -> Iterator[Served]:
    with serve(template_database, tmp_path_factory.mktemp("client-db"), rsa_key) as served:
        yield served


def part(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_the_reader_flow_through_a_generated_client(generated: ModuleType, server: Served) -> None:
    models = part("models")
    url = server.base_url
    with (
        generated.Client(base_url=url, raise_on_unexpected_status=True) as public,
        generated.AuthenticatedClient(
            base_url=url, token=ADMIN_KEY, raise_on_unexpected_status=True
        ) as admin,
    ):
        story = part("api.stories.api_v1_admin_sites_stories_story_id_put_story").sync(
            "news",
            "generated-client",
            client=admin,
            body=models.StoryUpsert(title="Harbour reopens", url="https://news.test/harbour"),
        )
        assert isinstance(story, models.StoryAdminView), story
        assert story.created is True

        token = server.sso("gen-1", plan="digital")
        grant = part("api.auth.api_v1_auth_sso_sso_sign_in").sync(
            client=public, body=models.SsoRequest(token=token)
        )
        assert isinstance(grant, models.TokenResponse), grant
        assert grant.account.can_comment is False  # no display name yet

        with generated.AuthenticatedClient(
            base_url=url, token=grant.access_token, raise_on_unexpected_status=True
        ) as reader:
            me = part("api.profile.api_v1_me_profile_put_profile").sync(
                client=reader, body=models.ProfileUpdate(display_name="Generated Grace")
            )
            assert isinstance(me, models.MeView), me
            assert (me.display_name, me.can_comment) == ("Generated Grace", True)

            created = part("api.comments.api_v1_sites_stories_story_id_comments_post_comment").sync(
                "news",
                "generated-client",
                client=reader,
                body=models.CommentCreate(body="Good news for the *fishing* fleet."),
                idempotency_key="generated-client-1",
            )
            assert isinstance(created, models.CommentCreated), created
            assert created.moderation.status.value == "published"

        page = part("api.comments.api_v1_sites_stories_story_id_comments_list_comments").sync(
            "news", "generated-client", client=public
        )
    assert isinstance(page, models.CommentPage), page
    assert page.story.title == "Harbour reopens"
    [comment] = page.comments
    assert comment.id == created.comment.id
    assert comment.author.display_name == "Generated Grace"
    assert "<em>fishing</em>" in comment.body_html


def test_problems_come_back_typed_with_their_documented_codes(
    generated: ModuleType, server: Served
) -> None:
    models = part("models")
    url = server.base_url
    with (
        generated.Client(base_url=url, raise_on_unexpected_status=True) as public,
        generated.AuthenticatedClient(
            base_url=url, token="rj_not-a-token", raise_on_unexpected_status=True
        ) as stale,
    ):
        refused = part("api.auth.api_v1_auth_sso_sso_sign_in").sync_detailed(
            client=public, body=models.SsoRequest(token="not-a-jwt")
        )
        answer = part("api.profile.api_v1_me_get_me").sync_detailed(client=stale)
        missing = part("api.comments.api_v1_comments_comment_id_get_comment").sync_detailed(
            2**62, client=public
        )
    assert refused.status_code == 401
    assert type(refused.parsed).__name__ == "ApiV1AuthSsoSsoSignInResponse401"
    assert refused.parsed.code.value == "invalid_token"
    assert refused.parsed.detail
    assert answer.status_code == 401
    assert answer.parsed.code.value == "invalid_token"
    assert missing.status_code == 404
    assert missing.parsed.code.value == "comment_not_found"
