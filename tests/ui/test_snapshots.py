"""Pictures of the main screens at 80×24 and 120×40 (images off, so they are deterministic).

Update after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.catalog.store import Catalog
from kino_tui.ui.app import KinoApp
from tests.helpers.ui import UI_LIBRARY, kino_app, ready, scan_into

FIXED_ROOT = Path("/tmp/kino-snapshot-library")  # shown in the pictures: one for every test
# so the snapshot tests run one after another on one worker (``--dist loadgroup``, as
# scripts/test.sh runs them): on two workers, one test's fixture deleted and rewrote the
# folder while another's app was reading it
pytestmark = pytest.mark.xdist_group("snapshot-library")
FIXED_ADDED = "2026-01-02T03:04:05+00:00"


@pytest.fixture
def snapshot_app(kino_paths: KinoPaths, media: dict[str, Path]) -> KinoApp:
    """The UI library at a fixed path with fixed dates, so every picture is repeatable."""
    shutil.rmtree(FIXED_ROOT, ignore_errors=True)
    for relative, source in UI_LIBRARY.items():
        target = FIXED_ROOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source in media:
            shutil.copyfile(media[source], target)
        else:
            target.write_text(source)
    library = scan_into(kino_paths, FIXED_ROOT)
    catalog = Catalog(library.paths.catalog_file)
    data = catalog.load()
    for item in data.items.values():
        item.added = FIXED_ADDED
    catalog.save(data)
    return kino_app(kino_paths)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    await ready(pilot.app, pilot)


class TestBrowserSnapshots:
    def test_movies_small(self, snap_compare, snapshot_app: KinoApp) -> None:
        """The movies section with details fits a classic 80×24 terminal."""
        assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=settle)

    def test_movies_large(self, snap_compare, snapshot_app: KinoApp) -> None:
        """The movies section, the cursor on the second movie, at 120×40."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            await pilot.press("j")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)

    def test_show_seasons(self, snap_compare, snapshot_app: KinoApp) -> None:
        """A show opened into its seasons, specials last, with unwatched counts."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            pilot.app.screen.show_section("shows")
            await pilot.pause()
            await pilot.press("l")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)

    def test_help(self, snap_compare, snapshot_app: KinoApp) -> None:
        """The help screen lists the keys."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=run_before)

    def test_help_large(self, snap_compare, snapshot_app: KinoApp) -> None:
        """At 120×40 the help screen shows keys, what they do and their ids for [keys]."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)

    def test_search_results(self, snap_compare, snapshot_app: KinoApp) -> None:
        """A show's name finds the show first, then its seasons and episodes."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            await pilot.press("slash", *"dark", "enter")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(80, 24), run_before=run_before)

    def test_recently_added(self, snap_compare, snapshot_app: KinoApp) -> None:
        """Recently Added: a show's new episodes in one row, an album's tracks in one."""

        async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
            await settle(pilot)
            pilot.app.screen.show_section("recently-added")
            await pilot.pause()

        assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)

    def test_empty_library(self, snap_compare, kino_paths: KinoPaths) -> None:
        """With no library folders, the list says how to add one."""
        app = kino_app(kino_paths)
        assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
