"""[export] nfo = true in the browser: a play whose NFO could not be updated says so
(real app under Pilot, real mpv, a damaged NFO)."""

from __future__ import annotations

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, kino_app, notices, ready, until
from tests.service.importers.test_nfo_import import PLAIN, WRITE_BACK


async def test_the_browser_says_when_an_nfo_was_not_updated(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {
            "Movies/Broken (2002)/Broken (2002).mkv": "h264.mkv",
            "Movies/Broken (2002)/Broken (2002).nfo": PLAIN,
        }
    )
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(WRITE_BACK)
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.scan()
    (root / "Movies/Broken (2002)/Broken (2002).nfo").write_text("<movie><tit")
    app = kino_app(kino_paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        await pilot.press("enter")  # plays the 1-second clip to its end
        await until(pilot, lambda: app.playback.session is not None, "playback")
        await until(pilot, lambda: app.playback.session is None, "the end of the play")
        await pilot.pause(0.2)
        notes = notices(app)
        assert any(
            note.startswith("NFO not updated: the NFO") and "malformed NFO" in note
            for note in notes
        ), notes
        await pilot.press("q")
