"""The collector set aside for an import comes back, however the import ends."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from imports.support import FIXTURES, run_import
from rejoinder.imports.heap import collector_set_aside
from rejoinder.runtime import Runtime


def _fail_inside() -> None:
    with collector_set_aside():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0
        raise RuntimeError("the import failed")


def test_the_collector_is_off_inside_and_restored_after_an_error() -> None:
    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        _fail_inside()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_set_aside():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


async def test_imports_good_and_stopped_leave_the_collector_on(
    runtime: Runtime, tmp_path: Path
) -> None:
    assert gc.get_freeze_count() == 0
    done = await run_import(runtime, "disqus", FIXTURES / "disqus-cases.xml", create_stories=True)
    assert done.ok, done.text()
    broken = tmp_path / "broken.xml"
    broken.write_text("<disqus><thread dsq:id=1></disqus>", encoding="utf-8")
    stopped = await run_import(runtime, "disqus", broken)
    assert stopped.stopped is not None
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
