"""Helpers to drive a real player from a test, the way a user at its keyboard would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem
from kino_tui.service import Library
from tests.conftest import LibraryBuilder


@pytest.fixture
def long_movie(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> Iterator[tuple[Library, MediaItem]]:
    """A scanned library holding one 400-second movie."""
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    items = list(library.load()[0].items.values())
    assert len(items) == 1
    yield library, items[0]
