"""A delivery worker in a process of its own, to be killed mid-attempt by the test.

Usage: python killed_worker.py DATABASE_URL ALLOWED_NETWORK
"""

from __future__ import annotations

import asyncio
import sys

from rejoinder.app import create_runtime
from rejoinder.settings import DatabaseSettings, Settings, WebhookSettings


async def main(url: str, network: str) -> None:
    settings = Settings(
        database=DatabaseSettings(url=url, pool_size=2),
        webhooks=WebhookSettings(allow_networks=[network]),
    )
    runtime = create_runtime(settings)
    assert runtime.webhooks is not None
    await runtime.webhooks.worker.run_once()  # the receiver holds the request: killed here


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
