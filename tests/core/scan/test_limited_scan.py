"""A scan limited to some folders (what live updates run): the same result there as a
whole scan, nothing touched elsewhere, and keys a later whole scan agrees with."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pytest

from kino_tui.core.catalog.store import Catalog
from kino_tui.core.models import LibraryRoot, MediaItem, ScanSummary
from kino_tui.core.scan.limits import scan_limits
from kino_tui.core.scan.scanner import Scanner
from kino_tui.core.watch.store import WatchStore
from tests.conftest import LibraryBuilder
from tests.core.scan.test_scanner import REALISTIC


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "catalog.json"


def scan(root: Path, catalog_path: Path, folders: list[str] | None = None) -> ScanSummary:
    catalog = Catalog(catalog_path)
    watch = WatchStore(catalog_path.with_name("watch.json"))
    return Scanner(catalog, watch).scan([LibraryRoot(str(root))], folders=folders)


def items(catalog_path: Path) -> dict[str, MediaItem]:
    data = Catalog(catalog_path).load()
    return {os.path.relpath(item.path, item.root): item for item in data.items.values()}


def stored_keys(catalog_path: Path) -> dict[str, str]:
    raw = orjson.loads(catalog_path.read_bytes())
    return {doc["path"]: doc["key"] for doc in raw["folders"].values()}


def test_a_new_episode_is_found_by_scanning_its_season_only(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path]
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    keys_before = stored_keys(catalog_path)
    season = root / "TV/Show (2020)/Season 01"
    shutil.copyfile(media["h264.mkv"], season / "Show S01E04.mkv")
    # Changed too, but not named: a limited scan leaves it alone.
    (root / "Home/birthday.mp4").unlink()
    summary = scan(root, catalog_path, [str(season)])
    assert (summary.added, summary.removed, summary.files_to_read) == (1, 0, 3), summary
    found = items(catalog_path)
    episode = found["TV/Show (2020)/Season 01/Show S01E04.mkv"]
    # Named as a whole scan names it: the show's folder and NFO above the season count.
    assert (episode.kind, episode.series, episode.season, episode.episode, bool(episode.show_poster)) == (
        "episode", "The Show", 1, 4, True,
    )  # fmt: skip
    assert "Home/birthday.mp4" in found  # outside the folders scanned: untouched
    # Only the season's key changed, and it is the key a whole scan computes: the whole
    # scan after it reads the season no more, and finds the birthday gone.
    keys_after = stored_keys(catalog_path)
    assert {p for p in keys_after if keys_after[p] != keys_before.get(p)} == {str(season)}
    whole = scan(root, catalog_path)
    assert (whole.added, whole.updated, whole.removed, whole.files_to_read) == (0, 0, 1, 0)


def test_a_removed_folder_is_reconciled_from_its_parent(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    specials = root / "TV/Show (2020)/Specials"
    shutil.rmtree(specials)
    summary = scan(root, catalog_path, [str(specials)])  # gone: its parent is listed
    assert summary.removed == 1
    assert not any(path.startswith("TV/Show (2020)/Specials") for path in items(catalog_path))
    assert str(specials) not in stored_keys(catalog_path)


def test_a_move_between_two_changed_folders_keeps_the_id(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    song = "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3"
    song_id = items(catalog_path)[song].id
    (root / "Music/Other").mkdir()
    (root / song).rename(root / "Music/Other/moved.mp3")
    summary = scan(
        root, catalog_path, [str(root / "Music/Test Artist/Test Album (2001)"), str(root / "Music")]
    )
    assert (summary.moved, summary.added, summary.removed) == (1, 0, 0), summary
    assert items(catalog_path)["Music/Other/moved.mp3"].id == song_id


def test_limits_fold_nested_and_gone_folders(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    (root / "Show/Season 1").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    limits = scan_limits(
        [LibraryRoot(str(root)), LibraryRoot(str(other))],
        [
            str(root / "Show/Season 1"),
            str(root / "Show"),
            str(root / "Gone/Deeper"),  # neither exists: the root stands for them
            str(tmp_path / "elsewhere"),  # in no root: ignored
        ],
    )
    assert limits == {str(root): [str(root)]}
    assert scan_limits([LibraryRoot(str(root))], [str(root / "Show/Season 1")]) == {
        str(root): [str(root / "Show/Season 1")]
    }
