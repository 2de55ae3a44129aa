"""Private and metadata addresses refused at registration and again at every delivery."""

from __future__ import annotations

import httpx
import pytest

from factories import ADMIN_HEADERS, make_story
from rejoinder.runtime import Runtime
from rejoinder.webhooks.ssrf import AddressPolicy, Refused
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver
from webhooks.support import pump, register

Client = httpx.AsyncClient
REFUSED = [
    "http://10.0.0.7/hook",
    "http://172.16.3.4/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[::1]:8080/hook",
    "http://[::ffff:10.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://255.255.255.255/hook",
    "http://100.64.0.1/hook",
    "http://[fc00::1]/hook",
]


class Switching:
    """A resolver whose answers the test sets: DNS rebinding on demand."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.asked: list[str] = []

    async def resolve(self, host: str, port: int) -> list[str]:  # noqa: ARG002 - the seam's shape
        self.asked.append(host)
        if host not in self.answers:
            raise OSError("no such host")
        return self.answers[host]


@pytest.fixture
def dns(hooks: Webhooks) -> Switching:
    resolver = Switching()
    hooks.policy.resolver = resolver
    return resolver


@pytest.mark.parametrize("url", REFUSED)
async def test_registration_refuses_addresses_that_are_not_public(
    client: Client, hooks: Webhooks, url: str
) -> None:
    answer = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": url, "events": ["story.created"]},
        headers=ADMIN_HEADERS,
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "webhook_address_refused"
    assert hooks.policy is not None


async def test_a_host_name_is_checked_by_every_address_it_resolves_to(
    client: Client, dns: Switching
) -> None:
    dns.answers["mixed.example"] = ["93.184.216.34", "10.1.2.3"]
    dns.answers["metadata.example"] = ["169.254.169.254"]
    for host in ("mixed.example", "metadata.example"):
        answer = await client.post(
            "/api/v1/admin/webhooks",
            json={"url": f"https://{host}/hook", "events": ["story.created"]},
            headers=ADMIN_HEADERS,
        )
        assert answer.json()["code"] == "webhook_address_refused"
    unknown = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": "https://nowhere.example/hook", "events": ["story.created"]},
        headers=ADMIN_HEADERS,
    )
    assert unknown.json()["code"] == "webhook_url_unresolvable"


@pytest.mark.parametrize(
    "url", ["ftp://93.184.216.34/x", "https://user:pw@93.184.216.34/x", "https:///x"]
)
async def test_malformed_urls_are_refused(client: Client, hooks: Webhooks, url: str) -> None:
    answer = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": url, "events": ["story.created"]},
        headers=ADMIN_HEADERS,
    )
    assert answer.status_code == 422
    assert answer.json()["code"] in {"webhook_url_invalid", "validation_failed"}
    assert hooks.policy is not None


async def test_a_name_that_resolves_elsewhere_at_delivery_is_refused_then(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, dns: Switching
) -> None:
    """DNS rebinding: public at registration, private when delivering. No connection."""
    dns.answers["hooks.example"] = ["93.184.216.34"]
    answer = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": f"http://hooks.example:{receiver.port}/hooks", "events": ["story.created"]},
        headers=ADMIN_HEADERS,
    )
    assert answer.status_code == 201
    dns.answers["hooks.example"] = ["10.9.8.7"]
    await make_story(runtime)
    assert await pump(runtime, hooks) == 1
    deliveries = await client.get(
        f"/api/v1/admin/webhooks/{answer.json()['id']}/deliveries", headers=ADMIN_HEADERS
    )
    (delivery,) = deliveries.json()["deliveries"]
    assert delivery["last_error"].startswith("refused: 10.9.8.7 is a private address")
    assert delivery["last_status_code"] is None
    assert receiver.received == []


async def test_delivery_connects_to_the_checked_address_and_keeps_the_host(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver, dns: Switching
) -> None:
    """The name resolves (through the seam) to loopback, which these tests allow: the
    request reaches that address, with the name in its Host header."""
    dns.answers["receiver.test"] = ["127.0.0.1"]
    receiver_url = receiver.url.replace("127.0.0.1", "receiver.test")
    answer = await client.post(
        "/api/v1/admin/webhooks",
        json={"url": receiver_url, "events": ["story.created"]},
        headers=ADMIN_HEADERS,
    )
    receiver.secrets.append(answer.json()["secret"])
    await make_story(runtime)
    assert await pump(runtime, hooks) == 1
    (got,) = receiver.received
    assert got.headers["host"] == f"receiver.test:{receiver.port}"
    assert got.verified_with == receiver.secrets
    assert dns.asked.count("receiver.test") == 2  # at registration, and at the delivery


async def test_loopback_is_refused_without_the_operator_setting() -> None:
    strict = AddressPolicy([])
    with pytest.raises(Refused):
        strict.check_address("127.0.0.1")
    allowed = AddressPolicy(["127.0.0.0/8", "169.254.0.0/16"])
    assert str(allowed.check_address("127.0.0.1")) == "127.0.0.1"
    with pytest.raises(Refused):  # metadata only when listed exactly
        allowed.check_address("169.254.169.254")
    assert str(AddressPolicy(["169.254.169.254/32"]).check_address("169.254.169.254"))


async def test_the_receiver_fixture_is_reachable_only_because_loopback_is_allowed(
    runtime: Runtime, client: Client, hooks: Webhooks, receiver: Receiver
) -> None:
    await register(client, receiver, ["story.created"])
    hooks.policy.allow = []  # the operator removes the setting: delivery refuses loopback
    await make_story(runtime)
    assert await pump(runtime, hooks) == 1
    assert receiver.received == []


def test_allowed_networks_must_be_networks() -> None:
    from pathlib import Path

    from rejoinder.settings import ConfigError, load_settings

    example = Path(__file__).parents[2] / "rejoinder.example.toml"
    with pytest.raises(ConfigError, match=r"webhooks\.allow_networks"):
        load_settings(example, environ={"REJOINDER_WEBHOOKS_ALLOW_NETWORKS": '["intranet"]'})
    loaded = load_settings(example, environ={"REJOINDER_WEBHOOKS_ALLOW_NETWORKS": "10.0.0.0/8"})
    assert loaded.webhooks.allow_networks == ["10.0.0.0/8"]
