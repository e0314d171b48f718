"""The ``kino`` command line as scripts and users run it (real subprocesses)."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from tests.conftest import LibraryBuilder

ITEM_KEYS = {
    "id", "kind", "path", "parts", "title", "year", "series", "season", "episode", "episode_end",
    "artist", "album", "album_artist", "track", "disc", "genres", "plot", "rating", "duration",
    "width", "height", "video_codec", "audio", "subtitles", "size", "poster", "extra_type",
    "extra_of", "available", "error", "added", "progress", "tagline", "certification",
    "premiered", "studios", "collection", "directors", "writers", "cast", "ids",
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


def test_paths_honour_xdg(kino_cli, tmp_path: Path) -> None:
    output = kino_cli("paths").stdout
    assert f"config   {tmp_path}/xdg/config/kino/config.toml" in output
    assert f"catalog  {tmp_path}/xdg/data/kino/catalog.json" in output
    assert f"cache    {tmp_path}/xdg/cache/kino" in output


def test_scan_and_ls_json_contract(kino_cli, build_library: LibraryBuilder) -> None:
    root = build_library(
        {
            "Film (2010)/Film (2010).mkv": "h264.mkv",
            "Film (2010)/Extras/Making of.mkv": "vp9.webm",
            "Show/Season 1/Show S01E01.mkv": "hevc.mp4",
            "Artist/Album/01 - Song.flac": "song.flac",
            "broken.mkv": "garbage" * 100,
        }
    )
    result = kino_cli("scan", "--json", str(root))
    summary = json.loads(result.stdout)
    assert set(summary) >= SUMMARY_KEYS
    assert (summary["added"], summary["errors"]) == (5, 1)
    items = json.loads(kino_cli("ls", "--json").stdout)
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
    episodes = json.loads(kino_cli("ls", "--kind", "episode", "--json").stdout)
    assert [e["episode"] for e in episodes] == [1]
    again = json.loads(kino_cli("scan", "--json").stdout)
    assert (again["added"], again["unchanged"]) == (0, 5)
    ids = {item["path"]: item["id"] for item in json.loads(kino_cli("ls", "--json").stdout)}
    assert ids == {item["path"]: item["id"] for item in items}


def test_roots_add_remove(kino_cli, build_library: LibraryBuilder) -> None:
    root = build_library({"a (2001).mkv": "h264.mkv"})
    assert "No library folders yet" in kino_cli("roots").stdout
    assert f"added {root} (movies)" in kino_cli("add", "--type", "movies", str(root)).stdout
    assert f"{root}  (movies, online)" in kino_cli("roots").stdout
    kino_cli("scan")
    assert len(json.loads(kino_cli("ls", "--json").stdout)) == 1
    removed = kino_cli("remove", str(root)).stdout
    assert "its 1 items" in removed
    assert json.loads(kino_cli("ls", "--json").stdout) == []
    failed = kino_cli("remove", str(root), check=False)
    assert failed.returncode == 2 and "not a library folder" in failed.stderr


def test_scan_without_roots_explains(kino_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = kino_cli("scan", check=False)
    assert result.returncode == 2
    assert "no library folders yet" in result.stderr and "kino add" in result.stderr


def test_bad_config_is_one_line(kino_cli, kino_paths) -> None:
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text("player = \n")
    result = kino_cli("roots", check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(f"kino: config error in {kino_paths.config_file}, line 1:")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_ls_prints_the_id_play_and_watched_take(
    run_kino, kino_paths, build_library: LibraryBuilder
) -> None:
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    (line,) = run_kino("ls").stdout.splitlines()
    identifier = line.split()[0]
    assert identifier == json.loads(run_kino("ls", "--json").stdout)[0]["id"]
    assert "movie" in line and "Alien" in line
    assert run_kino("watched", identifier).stdout.startswith("marked Alien")


def test_hostile_names_print_safely(kino_cli, build_library: LibraryBuilder) -> None:
    root = build_library({"Evil\x1b[31m (2001).mkv": "h264.mkv"})
    (root / os.fsdecode(b"caf\xe9 (2002).mkv")).write_bytes(b"x" * 10)
    kino_cli("scan", str(root))
    listing = kino_cli("ls").stdout
    assert "\x1b" not in listing
    assert "Evil\\x1b[31m" in listing and "caf\\xe9" in listing
    items = json.loads(kino_cli("ls", "--json").stdout)
    paths = {
        base64.b64decode(i["path_bytes"]) if "path_bytes" in i else os.fsencode(i["path"])
        for i in items
    }
    assert os.fsencode(str(root)) + b"/caf\xe9 (2002).mkv" in paths


def test_damaged_catalog_message(kino_cli, kino_paths, build_library: LibraryBuilder) -> None:
    root = build_library({"a (2001).mkv": "h264.mkv"})
    kino_cli("scan", str(root))
    kino_paths.catalog_file.write_bytes(kino_paths.catalog_file.read_bytes()[:100])
    result = kino_cli("ls")
    assert "damaged" in result.stderr and "kino scan" in result.stderr
    kino_cli("scan")
    assert len(json.loads(kino_cli("ls", "--json").stdout)) == 1


def _synthetic_catalog(paths, count: int) -> None:  # type: ignore[no-untyped-def]
    from kino_tui.core.catalog.store import Catalog, CatalogData
    from kino_tui.core.models import MediaItem

    items = {}
    for number in range(count):
        path = f"/srv/media/Movies/Film {number} ({1950 + number % 70}).mkv"
        items[f"id{number:08d}"] = MediaItem(
            id=f"id{number:08d}", kind="movie", path=path, root="/srv/media", parts=[path],
            title=f"Film {number}", year=1950 + number % 70,
        )  # fmt: skip
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    Catalog(paths.catalog_file).save(CatalogData(items))


def test_every_command_ends_quietly_into_a_closed_pipe(
    kino_cli, kino_paths, build_library: LibraryBuilder
) -> None:
    """`kino ls | head -1` on a few thousand items, and a reader gone before kino writes."""
    import subprocess
    import sys

    root = build_library({"a (2001).mkv": "h264.mkv", "b (2002).mkv": "garbage"})
    kino_cli("scan", str(root))
    env = os.environ.copy()
    for args in (["ls"], ["ls", "--json"], ["scan"], ["scan", "--json"], ["history"],
                 ["roots"], ["paths"], ["history", "--json"]):  # fmt: skip
        read_end, write_end = os.pipe()
        os.close(read_end)  # the reader is gone before kino writes a byte
        result = subprocess.run(
            [sys.executable, "-m", "kino_tui", *args],
            stdout=write_end, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
            env=env, timeout=60, text=True,
        )  # fmt: skip
        os.close(write_end)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stderr == "", (args, result.stderr)
    _synthetic_catalog(kino_paths, 5000)
    for command in ("ls", "ls --json"):
        pipeline = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {sys.executable} -m kino_tui {command} | head -1"],
            capture_output=True, text=True, env=env, timeout=60,
        )  # fmt: skip
        assert pipeline.stderr == "", pipeline.stderr
        assert pipeline.returncode == 0 and pipeline.stdout.count("\n") == 1


def test_re_adding_a_folder_keeps_its_type_and_nested_folders_are_refused(
    kino_cli, build_library: LibraryBuilder
) -> None:
    root = build_library({"Show/Season 1/Show S01E01.mkv": "h264.mkv"})
    kino_cli("add", "--type", "shows", str(root))
    again = kino_cli("add", str(root)).stdout
    assert f"{root} (shows) is already in the library: nothing changed" in again
    assert f"{root}  (shows, online)" in kino_cli("roots").stdout
    kino_cli("scan", str(root))  # scanning a known folder keeps its type too
    assert f"{root}  (shows, online)" in kino_cli("roots").stdout
    assert f"{root} (mixed): type changed" in kino_cli("add", "--type", "mixed", str(root)).stdout
    inside = kino_cli("add", str(root / "Show"), check=False)
    assert inside.returncode == 2 and str(root) in inside.stderr and "inside" in inside.stderr
    above = kino_cli("scan", str(root.parent), check=False)
    assert above.returncode == 2 and str(root) in above.stderr
    assert kino_cli("roots").stdout.count("online") == 1  # nothing was saved


def test_one_rule_for_folders_a_missing_one_is_kept_and_said(
    kino_cli, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    """A folder that is not there (a drive not mounted yet) is added and said so; a file
    is refused; the TUI's dialog follows the same rule (tests/ui/test_add_folder.py)."""
    missing = tmp_path / "drive" / "Movies"
    added = kino_cli("add", str(missing))
    assert added.returncode == 0
    assert f"added {missing} (mixed); it is not there now" in added.stdout
    assert "scanned when it appears" in added.stdout
    assert f"{missing}  (mixed, offline)" in kino_cli("roots").stdout
    root = build_library({"a (2001).mkv": "h264.mkv"})
    refused = kino_cli("add", str(root / "a (2001).mkv"), check=False)
    assert refused.returncode == 2 and "is a file, not a folder" in refused.stderr


def test_a_damaged_watch_file_is_kept_aside_and_kino_goes_on(
    kino_cli, kino_paths, build_library: LibraryBuilder
) -> None:
    root = build_library({"a (2001).mkv": "h264.mkv"})
    kino_cli("scan", str(root))
    kino_cli("watched", str(root / "a (2001).mkv"))
    kino_paths.watch_file.write_text('{"progress": {"1": {"id": ')
    history = kino_paths.data_dir / "history.json"
    history.write_text("not json at all")
    listing = kino_cli("ls", "--json")
    assert "watch.json was damaged" in listing.stderr and "kept as" in listing.stderr
    assert "history.json was damaged" in listing.stderr  # both checked when kino opens
    (item,) = json.loads(listing.stdout)
    assert not item["progress"]["watched"]  # a new, empty watch file
    plays = kino_cli("history")
    assert plays.stderr == "" and "nothing played yet" in plays.stdout
    assert list(kino_paths.data_dir.glob("watch.json.damaged-*"))
    assert list(kino_paths.data_dir.glob("history.json.damaged-*"))
    kino_cli("watched", item["id"])  # and writing works again
    assert json.loads(kino_cli("ls", "--json").stdout)[0]["progress"]["watched"]


def test_absurd_numbers_in_tags_and_nfos_do_not_break_a_scan(
    kino_cli, build_library: LibraryBuilder
) -> None:
    """A 1e30 track number or runtime, a year of 1e400: read as unknown, never a crash
    (the catalog's save failed on them, and every later scan with it)."""
    from tests.conftest import ffmpeg

    root = build_library(
        {
            "Movies/Huge (2001)/Huge (2001).mkv": "h264.mkv",
            "Movies/Huge (2001)/Huge (2001).nfo": "<movie><title>Huge</title>"
            "<runtime>1e30</runtime><year>1e400</year><rating>nan</rating></movie>",
        }
    )
    track = root / "Music/Artist/Album/01 - Song.flac"
    track.parent.mkdir(parents=True)
    ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-metadata", "TRACKNUMBER=1e30",
           "-metadata", "DATE=1e400", "-metadata", "title=Song", str(track))  # fmt: skip
    result = kino_cli("scan", "--json", str(root))
    assert json.loads(result.stdout)["added"] == 2 and "Traceback" not in result.stderr
    by_kind = {item["kind"]: item for item in json.loads(kino_cli("ls", "--json").stdout)}
    assert by_kind["movie"]["title"] == "Huge" and by_kind["movie"]["year"] == 2001
    assert by_kind["track"]["track"] == 1  # from the name: the tag is nonsense
    assert json.loads(kino_cli("scan", "--json").stdout)["unchanged"] == 2


def test_the_browser_without_a_terminal_says_so_and_ends(kino_cli) -> None:
    """`kino` run from a script, cron or `ssh host kino` (no terminal) says what to use
    instead of drawing the browser into a pipe for ever."""
    for args in ((), ("--remote", "nosuchhost")):
        result = kino_cli(*args, check=False, timeout=30)
        assert result.returncode == 2, result.stderr
        assert "the browser needs a terminal" in result.stderr and not result.stdout


def test_ls_json_carries_what_the_nfo_says(run_kino, build_library: LibraryBuilder) -> None:
    """Issue 21: people, studios, tagline, certification, collection and ids, as promised."""
    root = build_library(
        {
            "Heat (1995)/Heat (1995).mkv": "h264.mkv",
            "Heat (1995)/movie.nfo": (
                "<movie><title>Heat</title><tagline>A Los Angeles crime saga</tagline>"
                "<mpaa>Rated R</mpaa><premiered>1995-12-15</premiered><studio>Warner Bros.</studio>"
                "<set><name>Heat Collection</name></set><director>Michael Mann</director>"
                "<credits>Michael Mann</credits><credits>Other Writer</credits>"
                "<actor><name>Al Pacino</name><role>Vincent Hanna</role><order>0</order></actor>"
                "<actor><name>Robert De Niro</name><order>1</order></actor>"
                '<uniqueid type="imdb">tt0113277</uniqueid></movie>'
            ),
        }
    )
    run_kino("scan", str(root))
    (film,) = json.loads(run_kino("ls", "--json").stdout)
    assert film["tagline"] == "A Los Angeles crime saga"
    assert (film["certification"], film["premiered"]) == ("R", "1995-12-15")
    assert (film["studios"], film["collection"]) == (["Warner Bros."], "Heat Collection")
    assert (film["directors"], film["writers"]) == (
        ["Michael Mann"],
        ["Michael Mann", "Other Writer"],
    )
    assert film["cast"] == [
        {"name": "Al Pacino", "role": "Vincent Hanna"},
        {"name": "Robert De Niro", "role": None},
    ]
    assert film["ids"] == {"imdb": "tt0113277"}
