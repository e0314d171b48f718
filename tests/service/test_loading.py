"""Opening the library when its files are not as they should be."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.helpers.library import only_item
from tests.helpers.players import as_nobody


def test_a_watch_file_kino_cannot_read_still_shows_the_library(
    public_dir: Path, media: dict[str, Path]
) -> None:
    """Another user's watch.json (mode 0600): the library opens, with a line saying why
    there is no progress (it used to be "The catalog could not be loaded")."""
    folder = public_dir / f"unreadable-watch-{os.getpid()}"
    (folder / "media" / "Alien (1979)").mkdir(parents=True)
    shutil.copyfile(media["mpeg4.avi"], folder / "media" / "Alien (1979)" / "Alien (1979).avi")
    paths = KinoPaths(folder / "config", folder / "data", folder / "cache")
    library = Library(paths)
    library.add_roots([str(folder / "media")], "movies")
    library.scan()
    library.mark_watched([only_item(library)], True)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    paths.watch_file.chmod(0o600)  # root's, unreadable for nobody

    def open_it() -> None:
        opening = Library(paths).load_opening()
        assert [item.title for item in opening.view.items.values()] == ["Alien"]
        assert any("cannot read" in w and "watch.json" in w for w in opening.warnings)

    try:
        as_nobody(open_it)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
