"""Free TCP ports and waiting on conditions (never on fixed durations)."""

from __future__ import annotations

import asyncio
import inspect
import socket
import time
from collections.abc import Awaitable, Callable


def free_port() -> int:
    """A port nobody listens on now (the OS picks it; small race accepted, as everywhere)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(condition: Callable[[], bool], *, within: float = 10.0, what: str = "") -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {within}s waiting for {what or condition}")
        time.sleep(0.02)


async def eventually(
    condition: Callable[[], Awaitable[bool] | bool], *, within: float = 10.0, what: str = ""
) -> None:
    """Poll ``condition`` (sync or async) until it holds; TimeoutError after ``within``."""
    deadline = time.monotonic() + within
    while not await _holds(condition):
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {within}s waiting for {what or condition}")
        await asyncio.sleep(0.02)


async def _holds(condition: Callable[[], Awaitable[bool] | bool]) -> bool:
    result = condition()
    return bool(await result) if inspect.isawaitable(result) else bool(result)
