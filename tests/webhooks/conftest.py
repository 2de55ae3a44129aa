"""Webhook tests: loopback allowed explicitly, a real receiver, the worker driven by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from conftest import RsaPair, make_settings
from rejoinder.runtime import Runtime
from rejoinder.settings import Settings, WebhookSettings
from rejoinder.webhooks.worker import Webhooks
from webhooks.receiver import Receiver, serving


@pytest.fixture
def settings(database_url: str, rsa_key: RsaPair) -> Settings:
    return make_settings(
        database_url, rsa_key, webhooks=WebhookSettings(allow_networks=["127.0.0.0/8"])
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving(Receiver()) as running:
        yield running


@pytest.fixture
async def hooks(runtime: Runtime) -> AsyncIterator[Webhooks]:
    assert runtime.webhooks is not None
    await runtime.webhooks.register()
    return runtime.webhooks
