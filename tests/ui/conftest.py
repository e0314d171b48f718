"""UI fixtures: a real library scanned into a real catalog, and the app over it."""

from __future__ import annotations

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from tests.conftest import LibraryBuilder
from tests.helpers.ui import UI_LIBRARY, kino_app, scan_into


@pytest.fixture
def ui_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(UI_LIBRARY)
    escape_name = "Movies/Esc\x1b[2J\x1b]0;pwned\x07 (2003).mkv"
    (root / escape_name).write_bytes((root / "Movies/Zodiac (2007)/Zodiac (2007).mkv").read_bytes())
    return scan_into(kino_paths, root)


@pytest.fixture
def app(ui_library: Library) -> KinoApp:
    return kino_app(ui_library.paths)
