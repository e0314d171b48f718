"""Marking by hand, table-driven: an item, a season, a show; watched counts one play."""

from __future__ import annotations

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import Progress
from kino_tui.service import Library
from tests.conftest import LibraryBuilder

LAYOUT = {
    "Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
    "Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
    "Dark/Season 02/Dark S02E01.mkv": "h264.mkv",
    "Lost/Season 01/Lost S01E01.mkv": "h264.mkv",
}

# (target under the root, watched?) -> which episodes end up watched
CASES = [
    ("Dark/Season 01", True, {"Dark S01E01", "Dark S01E02"}),
    ("Dark", True, {"Dark S01E01", "Dark S01E02", "Dark S02E01"}),
    ("Dark/Season 01/Dark S01E02.mkv", True, {"Dark S01E02"}),
    ("Lost", True, {"Lost S01E01"}),
]


@pytest.fixture
def shows(kino_paths: KinoPaths, build_library: LibraryBuilder) -> tuple[Library, str]:
    root = build_library(LAYOUT)
    library = Library(kino_paths)
    library.add_roots([str(root)], "shows")
    library.scan()
    return library, str(root)


def watched_names(library: Library) -> set[str]:
    data, _ = library.load()
    progress = library.watch.all()
    return {
        item.path.rpartition("/")[2].removesuffix(".mkv")
        for item in data.items.values()
        if progress.get(item.id, Progress()).watched
    }


@pytest.mark.parametrize(("target", "watched", "expected"), CASES)
def test_marking(
    shows: tuple[Library, str], target: str, watched: bool, expected: set[str]
) -> None:
    library, root = shows
    items, warnings = library.find_items(f"{root}/{target}")
    assert warnings == []
    library.mark_watched(items, watched)
    assert watched_names(library) == expected


def test_marking_a_season_counts_one_play_and_clears_resume_points(
    shows: tuple[Library, str],
) -> None:
    library, root = shows
    season, _ = library.find_items(f"{root}/Dark/Season 01")
    library.watch.save(season[0], Progress(position=600.0, duration=3000.0))
    updates = library.mark_watched(season, True)
    assert all(p.watched and p.play_count == 1 and p.position == 0 for p in updates.values())
    again = library.mark_watched(season, True)  # already watched: no second play
    assert all(p.play_count == 1 for p in again.values())
    cleared = library.mark_watched(season, False)
    assert all(not p.watched and p.position == 0 for p in cleared.values())
    assert watched_names(library) == set()


def test_undo_restores_every_record_exactly(shows: tuple[Library, str]) -> None:
    """A resume point, a play count and last-played time come back as they were; an item
    that had no record has none again."""
    library, root = shows
    show, _ = library.find_items(f"{root}/Dark")
    first, second, third = sorted(show, key=lambda i: i.path)
    before = Progress(position=600.0, duration=3000.0, play_count=2,
                      last_played="2026-01-02T03:04:05+00:00")  # fmt: skip
    library.watch.save(first, before)
    library.watch.save(
        second, Progress(watched=True, play_count=1, last_played="2026-02-01T00:00:00+00:00")
    )
    on_disk = library.watch.all()
    marked = library.mark_undoable(show, True)
    assert all(p.watched for p in library.watch.all().values())
    restored = library.undo_mark(marked)
    assert library.watch.all() == on_disk  # exactly: third has no record again
    assert third.id not in library.watch.all()
    assert restored[first.id] == before and restored[third.id] == Progress()


def test_watched_up_to_here_marks_earlier_episodes_of_the_show(shows: tuple[Library, str]) -> None:
    library, _ = shows
    view, _ = library.load_view()
    target = next(i for i in view.items.values() if i.path.endswith("Dark S02E01.mkv"))
    items = view.episodes_up_to(target)
    assert [i.path.rpartition("/")[2] for i in items] == [
        "Dark S01E01.mkv", "Dark S01E02.mkv", "Dark S02E01.mkv",
    ]  # fmt: skip
    library.mark_undoable(items, True)
    assert watched_names(library) == {"Dark S01E01", "Dark S01E02", "Dark S02E01"}  # not Lost
