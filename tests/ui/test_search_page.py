"""A keystroke in the search box ranks the first page of matches and draws it at once;
the rest of the list is ranked once typing pauses, the cursor kept on its row (issue 18:
a keystroke at 250,000 tracks is then a few ms where the whole list could take 60)."""

from __future__ import annotations

from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem
from kino_tui.ui import searching
from tests.helpers.ui import SIZE, kino_app, ready, until


async def test_the_first_page_is_drawn_and_the_rest_follows_when_typing_pauses(
    kino_paths: KinoPaths, tmp_path: Path
) -> None:
    root = tmp_path / "films"
    root.mkdir()
    items = {}
    for number in range(180):
        path = f"{root}/Film {number:03d} (2000)/Film {number:03d} (2000).mkv"
        items[f"f{number}"] = MediaItem(id=f"f{number}", kind="movie", path=path,
                                        root=str(root), parts=[path], title=f"Film {number:03d}")  # fmt: skip
    add_roots(kino_paths.config_file, [str(root)], "movies")
    Catalog(kino_paths.catalog_file).save(CatalogData(items))
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(app, pilot)
        await pilot.press("slash", "f", "i", "l")
        await until(pilot, lambda: screen.state.query == "fil", "the first page")
        assert screen.state.level is not None
        assert len(screen.state.level.entries) == searching.FIRST_PAGE  # drawn at once
        await pilot.press("m")  # typing on: a first page again, the rest once it pauses
        await until(pilot, lambda: screen.state.query == "film", "the new page")
        assert len(screen.state.level.entries) == searching.FIRST_PAGE
        await pilot.press("down", "down")  # into the list, one row down, as the rest comes
        before = screen.state.highlighted
        assert before is not None and before.title == "Film 001"
        await until(pilot, lambda: len(screen.state.level.entries) == 180, "the rest")  # type: ignore[union-attr]
        highlighted = screen.state.highlighted
        assert highlighted is not None and highlighted.key == before.key  # the cursor stayed
