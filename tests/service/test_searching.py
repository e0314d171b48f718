"""``Library.search`` and ``kino search [--json]`` on a real scanned library: the same
ranking as the browser's search box, groups with their counts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder

LAYOUT = {
    "TV/Dark (2017)/Season 01/Dark S01E01.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 01/Dark S01E02.mkv": "h264.mkv",
    "TV/Dark (2017)/Season 02/Dark S02E01.mkv": "h264.mkv",
    "Movies/Dark City (1998)/Dark City (1998).mkv": "h264.mkv",
    "TV/Neko/[Grp] Neko - 01 [1080p].mkv": "h264.mkv",
    "TV/Neko/[Grp] Neko - 02 [1080p].mkv": "h264.mkv",
    "Movies/Dark City (1998)/Dark City (1998)-trailer.mkv": "h264.mkv",
    "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
    "Music/Test Artist/Test Album (2001)/04 - Other Song.flac": "song.flac",
}


@pytest.fixture
def library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> tuple[Library, Path]:
    root = build_library(LAYOUT)
    library = Library(kino_paths)
    library.add_roots([str(root)], "mixed")
    library.scan()
    return library, root


def test_search_ranks_the_show_then_the_movie(library: tuple[Library, Path]) -> None:
    lib, root = library
    results, warnings = lib.search("dark")
    assert warnings == []
    kinds = [(r.kind, r.title) for r in results]
    assert kinds[:2] == [("show", "Dark"), ("movie", "Dark City")]
    show = results[0]
    assert show.id == "show:Dark" and show.counts == {"seasons": 2, "episodes": 3}
    assert show.path == str(root / "TV/Dark (2017)")
    assert not any(r.kind == "extra" or "trailer" in (r.path or "") for r in results)


def kino_cli(paths: KinoPaths, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(paths.config_dir.parent),
        "XDG_DATA_HOME": str(paths.data_dir.parent),
        "XDG_CACHE_HOME": str(paths.cache_dir.parent),
    }
    return subprocess.run(
        [sys.executable, "-m", "kino_tui", *args], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def test_kino_search_json(library: tuple[Library, Path]) -> None:
    lib, root = library
    # the test songs' album artist (the group an artist's page shows) is "Various Artists"
    done = kino_cli(lib.paths, "search", "--json", "various", "artists")
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results[0]["kind"] == "artist" and results[0]["title"] == "Various Artists"
    assert results[0]["id"] == "artist:Various Artists"
    assert results[0]["albums"] == 1 and results[0]["tracks"] == 2
    album = next(r for r in results if r["kind"] == "album")
    assert album["title"] == "Test Album" and album["tracks"] == 2
    assert album["artist"] == "Various Artists"
    tracks = [r for r in results if r["kind"] == "track"]
    assert len(tracks) == 2 and all(r["id"] and r["path"].startswith(str(root)) for r in tracks)
    for result in results:
        assert {"kind", "title", "id", "path", "year", "unwatched"} <= result.keys()
    seasons = json.loads(kino_cli(lib.paths, "search", "--json", "dark", "season").stdout)
    season = next(r for r in seasons if r["kind"] == "season")
    assert season["series"] == "Dark" and season["episodes"] in (1, 2)


def test_kino_search_text_and_no_match(library: tuple[Library, Path]) -> None:
    lib, _ = library
    done = kino_cli(lib.paths, "search", "dark")
    assert done.returncode == 0
    first = done.stdout.splitlines()[0]
    assert first.startswith("show") and "Dark" in first and "2 seasons · 3 episodes" in first
    none = kino_cli(lib.paths, "search", "zzzz")
    assert none.returncode == 0 and "no matches" in none.stdout


def test_a_group_key_from_search_names_its_items(library: tuple[Library, Path]) -> None:
    """``kino watched show:Dark`` (and ``kino play``) take the id ``kino search`` gives."""
    lib, _ = library
    season = next(r for r in lib.search("dark season 2")[0] if r.kind == "season")
    items, _ = lib.find_items(season.id)
    assert [i.path.rpartition("/")[2] for i in items] == ["Dark S02E01.mkv"]
    done = kino_cli(lib.paths, "watched", "show:Dark")
    assert done.returncode == 0 and "marked 3 items watched" in done.stdout
    assert len(lib.watch.all()) == 3


def test_a_show_without_season_folders_counts_its_one_season(
    library: tuple[Library, Path],
) -> None:
    lib, _ = library
    results, _ = lib.search("neko")
    show = next(r for r in results if r.kind == "show")
    assert show.counts == {"seasons": 1, "episodes": 2}  # as the browser lists it
