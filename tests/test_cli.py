"""The ``kino`` command line as scripts and users run it (real subprocesses)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import LibraryBuilder

ITEM_KEYS = {
    "id", "kind", "path", "parts", "title", "year", "series", "season", "episode", "episode_end",
    "artist", "album", "album_artist", "track", "disc", "genres", "plot", "rating", "duration",
    "width", "height", "video_codec", "audio", "subtitles", "size", "poster", "extra_type",
    "extra_of", "available", "error", "added", "progress",
}  # fmt: skip
SUMMARY_KEYS = {
    "added",
    "updated",
    "moved",
    "removed",
    "unavailable",
    "unchanged",
    "errors",
    "seconds",
}


def test_paths_honour_xdg(run_kino, tmp_path: Path) -> None:
    output = run_kino("paths").stdout
    assert f"config   {tmp_path}/xdg/config/kino/config.toml" in output
    assert f"catalog  {tmp_path}/xdg/data/kino/catalog.json" in output
    assert f"cache    {tmp_path}/xdg/cache/kino" in output


def test_scan_and_ls_json_contract(run_kino, build_library: LibraryBuilder) -> None:
    root = build_library(
        {
            "Film (2010)/Film (2010).mkv": "h264.mkv",
            "Film (2010)/Extras/Making of.mkv": "vp9.webm",
            "Show/Season 1/Show S01E01.mkv": "hevc.mp4",
            "Artist/Album/01 - Song.flac": "song.flac",
            "broken.mkv": "garbage" * 100,
        }
    )
    result = run_kino("scan", "--json", str(root))
    summary = json.loads(result.stdout)
    assert set(summary) >= SUMMARY_KEYS
    assert (summary["added"], summary["errors"]) == (5, 1)
    items = json.loads(run_kino("ls", "--json").stdout)
    assert len(items) == 5
    for item in items:
        assert set(item) >= ITEM_KEYS, ITEM_KEYS - set(item)
        assert set(item["progress"]) == {
            "position",
            "duration",
            "watched",
            "play_count",
            "last_played",
        }
    by_kind = {item["kind"]: item for item in items if not item["error"]}
    assert by_kind["extra"]["extra_of"] == by_kind["movie"]["id"]
    assert by_kind["episode"]["series"] == "Show"
    assert by_kind["track"]["artist"] == "Test Artist"
    episodes = json.loads(run_kino("ls", "--kind", "episode", "--json").stdout)
    assert [e["episode"] for e in episodes] == [1]
    again = json.loads(run_kino("scan", "--json").stdout)
    assert (again["added"], again["unchanged"]) == (0, 5)
    ids = {item["path"]: item["id"] for item in json.loads(run_kino("ls", "--json").stdout)}
    assert ids == {item["path"]: item["id"] for item in items}


def test_roots_add_remove(run_kino, build_library: LibraryBuilder) -> None:
    root = build_library({"a (2001).mkv": "h264.mkv"})
    assert "No library folders yet" in run_kino("roots").stdout
    assert f"added {root} (movies)" in run_kino("add", "--type", "movies", str(root)).stdout
    assert f"{root}  (movies, online)" in run_kino("roots").stdout
    run_kino("scan")
    assert len(json.loads(run_kino("ls", "--json").stdout)) == 1
    removed = run_kino("remove", str(root)).stdout
    assert "its 1 items" in removed
    assert json.loads(run_kino("ls", "--json").stdout) == []
    failed = run_kino("remove", str(root), check=False)
    assert failed.returncode == 2 and "not a library folder" in failed.stderr


def test_scan_without_roots_explains(run_kino, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = run_kino("scan", check=False)
    assert result.returncode == 2
    assert "no library folders yet" in result.stderr and "kino add" in result.stderr


def test_bad_config_is_one_line(run_kino, kino_paths) -> None:
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text("player = \n")
    result = run_kino("roots", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"kino: config error in {kino_paths.config_file}, line 1:")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_hostile_names_print_safely(run_kino, build_library: LibraryBuilder) -> None:
    root = build_library({"Evil\x1b[31m (2001).mkv": "h264.mkv"})
    (root / os.fsdecode(b"caf\xe9 (2002).mkv")).write_bytes(b"x" * 10)
    run_kino("scan", str(root))
    listing = run_kino("ls").stdout
    assert "\x1b" not in listing
    assert "Evil\\x1b[31m" in listing and "caf\\xe9" in listing
    items = json.loads(run_kino("ls", "--json").stdout)
    paths = {os.fsencode(item["path"]) for item in items}
    assert os.fsencode(str(root)) + b"/caf\xe9 (2002).mkv" in paths


def test_damaged_catalog_message(run_kino, kino_paths, build_library: LibraryBuilder) -> None:
    root = build_library({"a (2001).mkv": "h264.mkv"})
    run_kino("scan", str(root))
    kino_paths.catalog_file.write_bytes(kino_paths.catalog_file.read_bytes()[:100])
    result = run_kino("ls")
    assert "damaged" in result.stderr and "kino scan" in result.stderr
    run_kino("scan")
    assert len(json.loads(run_kino("ls", "--json").stdout)) == 1
