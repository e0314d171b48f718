"""A poster follows a terminal resize (it was drawn at the old size until the cursor
moved)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.app import KinoApp
from kino_tui.ui.widgets.poster import HalfcellPicture
from tests.conftest import LibraryBuilder
from tests.helpers.ui import ready, until


def _picture_size(app: KinoApp) -> tuple[int, int]:
    picture = app.screen.query_one("#poster-picture", Static)
    content = picture.renderable if hasattr(picture, "renderable") else picture.content
    if not picture.display or not isinstance(content, HalfcellPicture):
        return (0, 0)
    lines = content.lines
    return (sum(len(segment.text) for segment in lines[0]) if lines else 0, len(lines))


async def test_the_poster_is_drawn_again_at_the_new_size(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
                          "Movies/Alien (1979)/poster.png": "cover"})  # fmt: skip
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    app = KinoApp(Library(kino_paths), image_mode="halfcell")
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(app, pilot)
        await until(pilot, lambda: _picture_size(app)[1] > 0, "the poster")
        large = _picture_size(app)
        await pilot.resize_terminal(110, 30)
        await until(pilot, lambda: _picture_size(app) not in ((0, 0), large), "a smaller poster")
        small = _picture_size(app)
        assert small[1] < large[1], (large, small)
