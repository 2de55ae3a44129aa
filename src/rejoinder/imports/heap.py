"""The cyclic garbage collector set aside while an import runs.

An import makes several small objects for every record (the parsed comment, its author, its
position, its item and row), most of them gone within the batch. Each one counts towards
the collector's next pass, so it ran every few hundred records, and each pass walked every
object the process holds (the settings, the tables, the compiled statements...). The
records hold no cycles: reference counting frees them, and the collector has nothing to
find. So for the run the objects alive at its start are frozen (never walked again) and the
collector is off; both come back when the run ends, however it ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_set_aside() -> Iterator[None]:
    """Freeze what is alive and turn the collector off for the block; restore both after.
    A collector that was off stays off; objects someone froze before (``rejoinder serve``
    freezes its start-up) stay frozen, and then so do the block's (``gc`` cannot thaw only
    some: they are still freed when unreferenced, only never scanned for cycles)."""
    enabled = gc.isenabled()
    thawed = gc.get_freeze_count() == 0
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        if thawed:
            gc.unfreeze()
        if enabled:
            gc.enable()
