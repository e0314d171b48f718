"""Which item a record is, and what importing it changes: the rules, as a table."""

from __future__ import annotations

import pytest

from kino_tui.core.models import MediaItem, Progress
from kino_tui.service.importers.matching import Matcher, merged
from kino_tui.service.importers.records import ImportedRecord


def _item(id: str, path: str, root: str, kind: str = "movie", size: int = 100, **more) -> MediaItem:
    return MediaItem(id=id, kind=kind, path=path, root=root, size=size, **more)  # type: ignore[arg-type]


ITEMS = [
    _item("heat", "/srv/Movies/Heat (1995)/Heat.mkv", "/srv/Movies", ids={"imdb": "tt0113277"}),
    _item("trailer", "/srv/Movies/Heat (1995)/Trailer.mkv", "/srv/Movies", kind="extra",
          ids={"imdb": "tt0113277"}, size=5),
    _item("ronin", "/srv/Movies/Ronin (1998)/Ronin.mkv", "/srv/Movies", ids={"tmdb": "8195"},
          fingerprint="abc"),
    _item("copy", "/srv/Movies/Copy/Ronin.mkv", "/srv/Movies", fingerprint="abc"),
    _item("ep", "/srv/TV/Dark/Season 1/Dark S01E01.mkv", "/srv/TV", kind="episode",
          ids={"tmdb": "8195"}, size=70),
    _item("loose", "/srv/Movies/Loose.mkv", "/srv/Movies", size=42),
]  # fmt: skip


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        # the item the source already knows
        (ImportedRecord("nfo", item_id="ronin"), "ronin"),
        # an id shared with the movie's trailer: narrowed by the path
        (ImportedRecord("jf", ids={"imdb": "TT0113277"}, path="/media/movies/Heat (1995)/Heat.mkv"), "heat"),
        # an id shared, and nothing to narrow it with: no guess
        (ImportedRecord("jf", ids={"imdb": "tt0113277"}), None),
        # tmdb ids of movies and of episodes are different numbers spaces
        (ImportedRecord("jf", ids={"tmdb": "8195"}, kind="movie"), "ronin"),
        (ImportedRecord("jf", ids={"tmdb": "8195"}, kind="episode"), "ep"),
        # the path below the library folder, another mount point
        (ImportedRecord("plex", path="/data/tv/Dark/Season 1/Dark S01E01.mkv"), "ep"),
        (ImportedRecord("kino", relative="Copy/Ronin.mkv"), "copy"),
        # a Windows server's path
        (ImportedRecord("plex", path="D:\\Movies\\Copy\\Ronin.mkv"), "copy"),
        # same bytes in two places, no path: no guess; with a path: the right one
        (ImportedRecord("kino", size=100, fingerprint="abc"), None),
        (ImportedRecord("kino", size=100, fingerprint="abc", path="/x/Ronin (1998)/Ronin.mkv"), "ronin"),
        # file name and size (the name alone is not enough)
        (ImportedRecord("jf", path="/elsewhere/Loose.mkv", size=42), "loose"),
        (ImportedRecord("jf", path="/elsewhere/Loose.mkv"), None),
        (ImportedRecord("jf", path="/elsewhere/Loose.mkv", size=43), None),
        (ImportedRecord("jf", path="/nowhere/Else.mkv", size=42), None),
    ],
)  # fmt: skip
def test_matching(record: ImportedRecord, expected: str | None) -> None:
    found = Matcher(ITEMS).match(record)
    assert (found.id if found else None) == expected


OLD = "2024-01-01T00:00:00+00:00"
NEW = "2024-06-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        # nothing in kino: the source's record
        (None, Progress(100.0, 400.0, False, 0, OLD), Progress(100.0, 400.0, False, 0, OLD)),
        (None, Progress(), None),  # a record that says nothing
        # kino's is newer, or as new: it stands
        (Progress(10.0, 400.0, False, 0, NEW), Progress(0.0, 400.0, True, 3, OLD), None),
        (Progress(10.0, 400.0, False, 0, NEW), Progress(0.0, 400.0, True, 3, NEW), None),
        (Progress(10.0, 400.0, False, 0, NEW), Progress(0.0, 400.0, True, 3, None), None),
        # the source's is newer: its position, the larger count, watched never undone
        (Progress(0.0, 400.0, True, 2, OLD), Progress(60.0, None, False, 1, NEW),
         Progress(60.0, 400.0, True, 2, NEW)),
        (Progress(0.0, 400.0, False, 0, None), Progress(0.0, 400.0, True, 1, OLD),
         Progress(0.0, 400.0, True, 1, OLD)),
        # newer but the same state: nothing to change
        (Progress(0.0, 400.0, True, 1, OLD), Progress(0.0, 400.0, True, 1, OLD), None),
    ],
)  # fmt: skip
def test_merging(current: Progress | None, incoming: Progress, expected: Progress | None) -> None:
    assert merged(current, incoming) == expected
