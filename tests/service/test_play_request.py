"""The one play use case both front ends call (``Library.prepare_play``): find, order,
plan, tracks and check, on a real catalog; specials as Jellyfin, Plex and Kodi play them."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.errors import PlayerError
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library, PlayRequest
from tests.conftest import LibraryBuilder

SHOW = {
    "TV/Dark/Specials/Dark S00E01.mkv": "h264.mkv",
    "TV/Dark/Specials/Dark S00E02.mkv": "h264.mkv",
    "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
    "TV/Dark/Season 02/Dark S02E01.mkv": "h264.mkv",
    "TV/Extras Only/Specials/Extras Only S00E01.mkv": "h264.mkv",
    "TV/Extras Only/Specials/Extras Only S00E02.mkv": "h264.mkv",
}


@pytest.fixture
def show_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> Library:
    root = build_library(SHOW)
    library = Library(kino_paths)
    library.add_roots([str(root)], "shows")
    library.scan([LibraryRoot(str(root), "shows")])
    return library


def numbers(library: Library, request: PlayRequest) -> list[tuple[int | None, int | None]]:
    return [(i.season, i.episode) for i in library.prepare_play(request).items]


def test_a_show_plays_its_regular_seasons_not_the_specials_first(show_library: Library) -> None:
    group = PlayRequest(target="show:Dark", order="group")
    assert numbers(show_library, group) == [(1, 1), (1, 2), (2, 1)]
    episodes = show_library.find_items("show:Dark")[0]
    show_library.mark_watched([i for i in episodes if (i.season, i.episode) == (1, 1)], True)
    assert numbers(show_library, group)[0] == (1, 2)  # from the next unwatched
    shuffled = numbers(show_library, PlayRequest(target="show:Dark", order="group", shuffle=True))
    assert sorted(shuffled) == [(1, 1), (1, 2), (2, 1)]  # a shuffle leaves the specials out too
    # a show of specials only plays them; the specials folder chosen plays it
    only = numbers(show_library, PlayRequest(target="show:Extras Only", order="group"))
    assert only == [(0, 1), (0, 2)]
    specials = next(i for i in show_library.load()[0].items.values() if i.season == 0).path
    folder = str(Path(specials).parent)
    assert numbers(show_library, PlayRequest(target=folder, order="group")) == [(0, 1), (0, 2)]


def test_the_request_checks_before_any_player_starts(show_library: Library) -> None:
    (item,) = [i for i in show_library.load()[0].items.values() if i.season == 2]
    Path(item.path).unlink()
    with pytest.raises(PlayerError, match="not there any more"):
        show_library.prepare_play(PlayRequest(items=(item,), order="given"))
    unchecked = show_library.prepare_play(PlayRequest(items=(item,), check=False))
    assert unchecked.item == item


def test_kino_play_show_starts_with_season_one(show_library: Library, run_kino) -> None:  # type: ignore[no-untyped-def]
    show_library.paths.config_file.write_text(
        'playback = "window"\n' + show_library.paths.config_file.read_text()
    )
    argv = shlex.split(run_kino("play", "show:Dark", "--print-command").stdout)
    files = [Path(a).name for a in argv if a.startswith("/") and a.endswith(".mkv")]
    assert files == ["Dark S01E01.mkv", "Dark S01E02.mkv", "Dark S02E01.mkv"]
