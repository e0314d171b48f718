"""`kino import mpv` and `kino export --format mpv` against real mpv (0.35 here) writing
and reading its own watch_later files, driven over its IPC socket."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import LibraryRoot, MediaItem, Progress
from kino_tui.core.watch.mpv_watch_later import watch_later_name
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kino_paths: KinoPaths) -> Path:
    """A home of its own, so mpv's folders (config, state) are the test's."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg" / "state"))
    return folder


@pytest.fixture
def movie(
    home: Path, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> tuple[Library, MediaItem]:
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(root), "movies")])
    (item,) = library.load()[0].items.values()
    return library, item


class PlainMpv:
    """mpv as a user starts it (not through kino), with an IPC socket to drive it."""

    def __init__(self, file: str, folder: Path, *options: str) -> None:
        self.socket = folder / "mpv.sock"
        self.process = subprocess.Popen(
            ["mpv", "--vo=null", "--ao=null", f"--input-ipc-server={self.socket}", *options,
             "--", file],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while not self.socket.exists():
            assert time.monotonic() < deadline, "mpv's socket never appeared"
            time.sleep(0.05)
        self.client = MpvClient(str(self.socket))

    def quit(self) -> None:
        self.client.command("quit")
        assert self.process.wait(timeout=20) == 0

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def mpv(tmp_path: Path) -> Iterator[Callable[..., PlainMpv]]:
    started: list[PlainMpv] = []

    def start(file: str, *options: str) -> PlainMpv:
        player = PlainMpv(file, tmp_path, *options)
        started.append(player)
        return player

    yield start
    for player in started:
        player.kill()


def test_mpv_resume_points_are_imported_and_undone(
    movie: tuple[Library, MediaItem], mpv: Callable[..., PlainMpv], run_kino, home: Path
) -> None:
    library, item = movie
    player = mpv(item.path, "--save-position-on-quit")
    player.client.seek_to(150)
    player.quit()
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "mpv" / "watch_later"
    written = config / watch_later_name(item.path)
    assert written.is_file(), (
        f"mpv 0.35 writes to $XDG_CONFIG_HOME: {list(config.parent.rglob('*'))}"
    )

    before = library.paths.watch_file.read_bytes() if library.paths.watch_file.exists() else None
    dry = run_kino("import", "mpv", "--dry-run").stdout
    assert "would update Long (2020): resume at 2:3" in dry  # 2:30, give or take a frame
    assert "would import from mpv: 1 matched (1 would change" in dry
    after_dry = library.paths.watch_file.read_bytes() if library.paths.watch_file.exists() else None
    assert after_dry == before

    output = run_kino("import", "mpv").stdout
    assert "imported from mpv: 1 matched (1 changed, 0 skipped" in output
    progress = library.watch.get(item.id)
    assert 149 <= progress.position <= 152 and not progress.watched
    assert progress.duration == item.duration

    again = run_kino("import", "mpv").stdout  # nothing newer: kino's record stands
    assert "1 matched (0 changed, 1 skipped" in again

    assert "1 record put back" in run_kino("import", "--undo").stdout
    assert library.watch.get(item.id) == Progress()
    assert "nothing to undo" in run_kino("import", "--undo", check=False).stderr


def test_a_path_line_matches_a_library_mounted_elsewhere(
    home: Path,
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    mpv: Callable[..., PlainMpv],
    tmp_path: Path,
) -> None:
    """mpv played the file at /one/place (its `# path` line says so); kino's library is the
    same files at another mount point, so no hash matches, the path below the folder does."""
    played = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    player = mpv(
        str(played / "Movies/Long (2020)/Long (2020).mkv"),
        "--save-position-on-quit",
        "--write-filename-in-watch-later-config",
        f"--watch-later-directory={tmp_path / 'later'}",
    )
    player.client.seek_to(200)
    player.quit()
    mounted = tmp_path / "elsewhere" / "share"
    shutil.copytree(played, mounted)
    library = Library(kino_paths)
    library.scan([LibraryRoot(str(mounted / "Movies"), "movies")])
    (item,) = library.load()[0].items.values()

    report = library.import_history("mpv", folder=str(tmp_path / "later"))
    assert (report.matched, len(report.changes), report.unmatched) == (1, 1, [])
    assert 199 <= library.watch.get(item.id).position <= 202


def test_kino_export_makes_plain_mpv_resume(
    movie: tuple[Library, MediaItem], mpv: Callable[..., PlainMpv], run_kino
) -> None:
    library, item = movie
    library.watch.save(item, Progress(position=120.0, duration=item.duration, play_count=0))
    output = run_kino("export", "--format", "mpv").stdout
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "mpv" / "watch_later"
    assert output.strip() == f"exported 1 resume point to {config}"  # where mpv 0.35 reads
    player = mpv(item.path)  # plain mpv: resume-playback is its default
    first = player.client.wait_position(lambda p: p > 0)
    assert 119 <= first <= 125, f"mpv started at {first}, not where kino stopped"
    player.quit()


def test_an_odd_watch_later_file_imports_nothing(
    movie: tuple[Library, MediaItem], mpv: Callable[..., PlainMpv], run_kino, tmp_path: Path
) -> None:
    library, item = movie
    later = tmp_path / "later"
    player = mpv(item.path, "--save-position-on-quit", f"--watch-later-directory={later}")
    player.client.seek_to(100)
    player.quit()
    (later / "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF").write_bytes(b"start=half past nine\n")
    library.watch.save(item, Progress(position=30.0, last_played="2000-01-01T00:00:00+00:00"))
    before = library.paths.watch_file.read_bytes()

    result = run_kino("import", "mpv", "--from", str(later), check=False)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "FFFFFFFF" in lines[0] and "nothing was imported" in lines[0]
    assert library.paths.watch_file.read_bytes() == before  # not one record changed
