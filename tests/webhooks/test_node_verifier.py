"""The Node.js verifier of docs/webhooks.md accepts real deliveries and refuses forgeries."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import httpx

from factories import make_story
from rejoinder.runtime import Runtime
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import drain, register

SCRIPT = Path(__file__).parents[2] / "docs" / "examples" / "verify-webhook.mjs"


def _node(secret: str, headers: dict[str, str], body: str) -> tuple[int, str]:
    node = shutil.which("node")
    assert node is not None, "these tests need Node.js (apt-get install nodejs)"
    done = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps({"secret": secret, "headers": headers, "body": body}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout.strip()


async def test_node_verifies_a_real_delivery_and_refuses_a_forged_one(
    runtime: Runtime, client: httpx.AsyncClient, hooks: Webhooks, receiver: Receiver
) -> None:
    endpoint = await register(client, receiver, ["story.created"])
    await make_story(runtime)
    await drain(runtime, hooks)
    (got,) = receiver.received
    body = got.body.decode()
    assert _node(endpoint["secret"], got.headers, body) == (0, "ok story.created")
    tampered = body.replace("story.created", "story.updated")
    code, said = _node(endpoint["secret"], got.headers, tampered)
    assert code == 1
    assert said == "refused: no matching signature"
    other_secret = "whsec_" + "A" * 43 + "="
    assert _node(other_secret, got.headers, body)[0] == 1
