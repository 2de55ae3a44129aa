"""Ending open streams when the server is told to stop.

An ASGI server stops by waiting for the responses in flight, and a stream never finishes by
itself: uvicorn would wait forever (or until its graceful timeout cuts the connections
without a word). So the exit signal first ends every stream with ``reset`` (reason
``shutdown``), then goes to the server's own handler as before.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from rejoinder.live.hub import LiveHub

SIGNALS = (signal.SIGTERM, signal.SIGINT)


def close_streams_on_signal(hub: LiveHub) -> Callable[[], None]:
    """Chain our handler before the current ones; returns what puts them back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # signals are delivered to the main thread only
    loop = asyncio.get_running_loop()
    previous: dict[int, Any] = {}

    def handler(signum: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(hub.end_streams)
        before = previous.get(signum)
        if callable(before):
            before(signum, frame)
        elif before == signal.SIG_DFL:
            signal.default_int_handler(signum, frame)

    for signum in SIGNALS:
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, handler)

    def restore() -> None:
        for signum, before in previous.items():
            if signal.getsignal(signum) is handler:
                signal.signal(signum, before)

    return restore
