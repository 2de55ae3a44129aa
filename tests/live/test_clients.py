"""The browser clients of the live streams: one SSE reader shared by the widget and the desk."""

from __future__ import annotations

from pathlib import Path

import rejoinder

SRC = Path(rejoinder.__file__).parent


def test_the_desk_and_the_widget_read_streams_with_the_same_code() -> None:
    widget = (SRC / "widget" / "static" / "sse.js").read_text("utf-8")
    desk = (SRC / "desk" / "static" / "sse.js").read_text("utf-8")
    assert widget == desk, "copy widget/static/sse.js to desk/static/sse.js"
