"""`kino import jellyfin` and `kino import plex`.

Jellyfin and Plex cannot run here: these tests talk real HTTP to the small stand-ins in
``tests/helpers/media_servers.py``, which answer the documented endpoints with responses of the servers'
recorded shapes. The kino side is real: a scanned library on disk, the real command line,
the real watch file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import Library
from kino_tui.service.importers import jellyfin as jellyfin_module
from tests.conftest import LibraryBuilder
from tests.helpers.media_servers import (
    JELLYFIN_KEY,
    PLEX_TOKEN,
    free_port,
    jellyfin_item,
    jellyfin_routes,
    plex_routes,
    plex_video,
    serve,
)

LONG_NFO = '<movie><title>Long</title><uniqueid type="imdb">tt9999999</uniqueid></movie>'


@pytest.fixture
def library(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> Iterator[tuple[Library, dict[str, MediaItem]]]:
    root = build_library(
        {
            "Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv",
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Long (2020)/Long (2020).nfo": LONG_NFO,
            "Movies/Unplayed (2001)/Unplayed (2001).mkv": "vp9.webm",
            "Shows/Show/Season 1/Show S01E01.mkv": "hevc.mp4",
        }
    )
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.add_roots([str(root / "Shows")], "shows")
    library.scan()
    items = {item.display_title: item for item in library.load()[0].items.values()}
    assert {"Heat", "Long", "Unplayed"} <= set(items)
    items["episode"] = next(i for i in items.values() if i.kind == "episode")
    yield library, items


def _jellyfin_items(items: dict[str, MediaItem]) -> list[dict]:
    """What Jellyfin on another box (its library at /media) says Alice played."""
    return [
        # the path below the library folder matches (the mount differs)
        jellyfin_item("Heat", "/media/movies/Heat (1995)/Heat (1995).mkv", played=True,
                      count=2, last="2024-03-01T20:04:11.1234567Z", size=items["Heat"].size),
        # a provider id matches (Jellyfin's file is somewhere else entirely)
        jellyfin_item("Long", "/srv/other/long-film.mkv", position=123.0,
                      last="2024-04-01T19:00:00.0000000Z", ids={"Imdb": "tt9999999"}),
        # file name and size match
        jellyfin_item("Pilot", "/tv/Some Show/S1/Show S01E01.mkv", kind="Episode", played=True,
                      count=1, last="2024-05-02T06:00:00Z", size=items["episode"].size),
        jellyfin_item("Unplayed", "/media/movies/Unplayed (2001)/Unplayed (2001).mkv"),
        jellyfin_item("Not Here", "/media/movies/Not Here (1999)/Not Here.mkv", played=True,
                      count=1, last="2024-01-01T00:00:00Z"),
    ]  # fmt: skip


def test_jellyfin_history_is_imported(
    library: tuple[Library, dict[str, MediaItem]], run_kino, monkeypatch: pytest.MonkeyPatch
) -> None:
    kino, items = library
    with serve(jellyfin_routes(_jellyfin_items(items))) as (url, seen):
        monkeypatch.setenv("KINO_JELLYFIN_KEY", JELLYFIN_KEY)
        output = run_kino("import", "jellyfin", url, "--user", "alice", "--list-unmatched").stdout
    assert "imported from jellyfin: 3 matched (3 changed, 0 skipped" in output
    assert "1 unmatched" in output and "unmatched:\n  Not Here\n" in output
    assert all(JELLYFIN_KEY not in r.path_qs for r in seen)  # the key is a header only
    progress = kino.watch.all()
    heat = progress[items["Heat"].id]
    assert (heat.watched, heat.play_count, heat.last_played) == (
        True, 2, "2024-03-01T20:04:11+00:00",
    )  # fmt: skip
    long = progress[items["Long"].id]
    assert (long.watched, long.position, long.duration) == (False, 123.0, 400.0)
    assert progress[items["episode"].id].watched
    assert items["Unplayed"].id not in progress


def test_a_newer_kino_record_and_a_watched_mark_are_kept(
    library: tuple[Library, dict[str, MediaItem]], monkeypatch: pytest.MonkeyPatch
) -> None:
    kino, items = library
    newer = Progress(position=300.0, duration=400.0, last_played="2025-01-01T00:00:00+00:00")
    kino.watch.save(items["Long"], newer)
    older = Progress(watched=True, play_count=1, last_played="2020-01-01T00:00:00+00:00")
    kino.watch.save(items["episode"], older)
    jellyfin = _jellyfin_items(items)
    jellyfin[2] = jellyfin_item(  # Jellyfin later: the episode restarted, not played
        "Pilot", "/tv/Show S01E01.mkv", kind="Episode", position=60.0,
        last="2024-06-01T00:00:00Z", size=items["episode"].size,
    )  # fmt: skip
    monkeypatch.setattr(jellyfin_module, "PAGE", 2)  # three pages, as a big library has
    with serve(jellyfin_routes(jellyfin)) as (url, seen):
        report = kino.import_history(
            "jellyfin", url, user="Alice", ask_secret=lambda _: JELLYFIN_KEY
        )
    assert (report.matched, len(report.changes), report.skipped) == (3, 2, 1)
    assert [r.query.get("StartIndex") for r in seen if r.path == "/Items"] == ["0", "2", "4"]
    assert kino.watch.get(items["Long"].id) == newer  # kino played it later
    episode = kino.watch.get(items["episode"].id)
    assert episode.watched and episode.position == 60.0  # resumable, still watched
    assert episode.last_played == "2024-06-01T00:00:00+00:00"


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("wrong key", "refused the API key (401): check KINO_JELLYFIN_KEY"),
        ("unknown user", "Jellyfin has no user 'bob' (users: admin, Alice)"),
        ("unreachable", "could not reach Jellyfin at http://127.0.0.1:"),
    ],
)
def test_jellyfin_failures_are_one_line_and_change_nothing(
    library: tuple[Library, dict[str, MediaItem]],
    run_kino,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    said: str,
) -> None:
    kino, items = library
    kino.watch.save(items["Heat"], Progress(position=10.0, last_played="2000-01-01T00:00:00+00:00"))
    before = kino.paths.watch_file.read_bytes()
    monkeypatch.setenv("KINO_JELLYFIN_KEY", "wrong" if case == "wrong key" else JELLYFIN_KEY)
    user = "bob" if case == "unknown user" else "Alice"
    with serve(jellyfin_routes(_jellyfin_items(items))) as (url, _):
        if case == "unreachable":
            url = f"http://127.0.0.1:{free_port()}"
        result = run_kino("import", "jellyfin", url, "--user", user, check=False)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert said in line and "Traceback" not in result.stderr
    assert case != "unreachable" or line.endswith(": Connection refused; nothing was imported")
    assert kino.paths.watch_file.read_bytes() == before


def test_the_key_is_never_taken_from_the_command_line(run_kino) -> None:
    result = run_kino("import", "jellyfin", "http://x", "--user", "a", "--key", "k", check=False)
    assert result.returncode == 2 and "unrecognized arguments: --key" in result.stderr
    result = run_kino("import", "jellyfin", "http://127.0.0.1:9", "--user", "a", check=False)
    assert "no Jellyfin API key: set KINO_JELLYFIN_KEY" in result.stderr  # no terminal to ask


def _plex_videos(items: dict[str, MediaItem]) -> tuple[list[str], list[str]]:
    movies = [
        plex_video("Heat", "/data/movies/Heat (1995)/Heat (1995).mkv", count=3,
                   viewed_at=1709323451, size=items["Heat"].size, rating_key=11,
                   guids=("imdb://tt0113277", "tmdb://949")),
        plex_video("Long", "/elsewhere/long.mkv", offset_ms=222_000, viewed_at=1711998000,
                   guids=("imdb://tt9999999",), rating_key=12),
        plex_video("Unplayed", "/data/movies/Unplayed (2001)/Unplayed (2001).mkv", rating_key=13),
        plex_video("Gone", "/data/movies/Gone/Gone.mkv", count=1, viewed_at=1700000000,
                   rating_key=14),
    ]  # fmt: skip
    episodes = [
        plex_video("Pilot", "/data/tv/Show/Season 1/Show S01E01.mkv", kind="episode", count=1,
                   viewed_at=1714629600, size=items["episode"].size, rating_key=21),
    ]  # fmt: skip
    return movies, episodes


def test_plex_history_is_imported(
    library: tuple[Library, dict[str, MediaItem]], run_kino, monkeypatch: pytest.MonkeyPatch
) -> None:
    kino, items = library
    with serve(plex_routes(*_plex_videos(items))) as (url, seen):
        monkeypatch.setenv("KINO_PLEX_TOKEN", PLEX_TOKEN)
        output = run_kino("import", "plex", url, "--dry-run").stdout
        assert "would import from plex: 3 matched (3 would change" in output
        assert "would update Heat (1995): watched, played 3×" in output
        assert not kino.paths.watch_file.exists() or kino.watch.all() == {}
        output = run_kino("import", "plex", url).stdout
    assert (
        "imported from plex: 3 matched (3 changed, 0 skipped" in output and "1 unmatched" in output
    )
    assert any(r.path == "/library/sections/2/all" and r.query.get("type") == "4" for r in seen)
    progress = kino.watch.all()
    heat = progress[items["Heat"].id]
    assert (heat.watched, heat.play_count, heat.last_played) == (
        True, 3, "2024-03-01T20:04:11+00:00",
    )  # fmt: skip
    long = progress[items["Long"].id]
    assert (long.watched, long.position, long.duration) == (False, 222.0, 400.0)
    assert progress[items["episode"].id].watched
    assert "undid the plex import: 3 records put back" in run_kino("import", "--undo").stdout
    assert kino.watch.all() == {}


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("wrong token", "refused the token (401): check KINO_PLEX_TOKEN"),
        ("unreachable", "could not reach Plex at http://127.0.0.1:"),
    ],
)
def test_plex_failures_are_one_line_and_change_nothing(
    library: tuple[Library, dict[str, MediaItem]],
    run_kino,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    said: str,
) -> None:
    kino, items = library
    kino.watch.save(items["Heat"], Progress(position=10.0, last_played="2000-01-01T00:00:00+00:00"))
    before = kino.paths.watch_file.read_bytes()
    monkeypatch.setenv("KINO_PLEX_TOKEN", "wrong" if case == "wrong token" else PLEX_TOKEN)
    with serve(plex_routes(*_plex_videos(items))) as (url, _):
        if case == "unreachable":
            url = f"http://127.0.0.1:{free_port()}"
        result = run_kino("import", "plex", url, check=False)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert said in line and "nothing was imported" in line
    assert case != "unreachable" or line.endswith(": Connection refused; nothing was imported")
    assert kino.paths.watch_file.read_bytes() == before


def test_a_server_that_is_not_jellyfin_is_one_line(
    library: tuple[Library, dict[str, MediaItem]], tmp_path: Path
) -> None:
    kino, _ = library
    from aiohttp import web

    async def html(request: web.Request) -> web.Response:
        return web.Response(text="<html>router login</html>", content_type="text/html")

    with serve({"/Users": html}) as (url, _), pytest.raises(Exception) as caught:
        kino.import_history("jellyfin", url, user="a", ask_secret=lambda _: "k")
    assert "did not answer JSON: is it a Jellyfin server?" in str(caught.value)


def test_without_the_plex_library_the_import_says_how_to_get_it(
    library: tuple[Library, dict[str, MediaItem]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess
    import sys

    monkeypatch.setenv("KINO_PLEX_TOKEN", PLEX_TOKEN)
    program = (
        "import sys; sys.modules['plexapi'] = None  # as if the plex extra were not installed\n"
        "from kino_tui.cli import run; sys.exit(run(['import', 'plex', 'http://127.0.0.1:9']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "needs the Plex client library (python-plexapi)" in line
    assert f"{sys.executable} -m pip install 'plexapi>=4.15'" in line
