"""Fixtures of the moderation suite (helpers live in ``support``)."""

from __future__ import annotations

import pytest

from moderation.support import Poster
from rejoinder.runtime import Runtime


@pytest.fixture
def post(runtime: Runtime) -> Poster:
    return Poster(runtime)
