"""The TUI over stores that cannot be written or are damaged: kino shows the library and
says what happened, never a silent failure (Pilot, real files, a real unprivileged user)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import traceback
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import watchfiles  # noqa: F401  (loaded before the fork: nobody may not read this Python)

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.models import LibraryRoot
from kino_tui.service import Library
from kino_tui.ui.widgets.media_list import MediaList
from tests.conftest import LibraryBuilder
from tests.helpers.ui import SIZE, kino_app, list_text, notices, ready, until

NOBODY = 65534
AS_ROOT = os.geteuid() == 0
MOVIES = {
    "Alien (1979)/Alien (1979).avi": "mpeg4.avi",
    "Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv",
}


def make_home(media: dict[str, Path]) -> KinoPaths:
    """kino's folders and a scanned library, made by root where ``nobody`` can read them."""
    home = Path(tempfile.mkdtemp(prefix="kino-ui-shared-"))
    paths = KinoPaths(home / "config", home / "data", home / "cache")
    for relative, source in MOVIES.items():
        target = home / "Movies" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media[source], target)
    paths.config_dir.mkdir(parents=True)
    paths.config_file.write_text('images = "off"\n')
    add_roots(paths.config_file, [str(home / "Movies")], "movies")
    Library(paths).scan([LibraryRoot(str(home / "Movies"), "movies")])
    subprocess.run(["chmod", "-R", "a+rX", str(home)], check=True)
    return paths


@pytest.fixture
def homes(media: dict[str, Path]) -> Iterator[tuple[KinoPaths, KinoPaths]]:
    """Two homes: one to run a scenario in as root first (so that everything it imports
    is loaded: ``nobody`` cannot read the interpreter's library in root's home), and one
    for ``nobody``."""
    pair = (make_home(media), make_home(media))
    yield pair
    for paths in pair:
        home = paths.data_dir.parent
        subprocess.run(["chmod", "-R", "u+rwX", str(home)], check=True)
        shutil.rmtree(home, ignore_errors=True)


async def press_w(paths: KinoPaths) -> dict[str, object]:
    """Open kino, press w on the first movie; what it showed."""
    app = kino_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shown = list_text(app)
        highlighted = app.screen.query_one(MediaList).highlighted
        await pilot.press("w")
        await until(
            pilot,
            lambda: any("mark" in n.lower() for n in notices(app)),
            "a notice about marking",
        )
        result = {
            "list": shown,
            "title": highlighted.title if highlighted else None,
            "notices": notices(app),
        }
        await pilot.press("q")
    return result


def as_nobody(paths: KinoPaths) -> dict[str, object]:
    """:func:`press_w` in a forked child that dropped to ``nobody`` (root writes anywhere)."""
    with tempfile.TemporaryFile() as report:
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            status = 1
            try:
                if AS_ROOT:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                os.write(report.fileno(), orjson.dumps(asyncio.run(press_w(paths))))
                status = 0
            except BaseException:
                os.write(report.fileno(), traceback.format_exc().encode())
            finally:
                os._exit(status)
        _, code = os.waitpid(pid, 0)
        report.seek(0)
        written = report.read()
    assert code == 0, written.decode(errors="replace")
    result: dict[str, object] = orjson.loads(written)
    return result


async def test_w_in_a_folder_kino_cannot_write_says_so(
    homes: tuple[KinoPaths, KinoPaths],
) -> None:
    warm_up, paths = homes
    marked = await press_w(warm_up)  # as root: every module loaded, and w works
    assert any("watched. Press u to undo" in n for n in marked["notices"]), marked  # type: ignore[union-attr]
    paths.data_dir.chmod(0o555)  # root's folder: nobody cannot write it
    shown = await asyncio.to_thread(as_nobody, paths)
    assert "Alien" in str(shown["list"]) and "Zodiac" in str(shown["list"])  # reading works
    (notice,) = shown["notices"]  # type: ignore[misc]
    assert notice == (
        f"Could not mark watched: cannot write {paths.watch_file}: Permission denied "
        f"(is {paths.data_dir} read-only, or another user's?)"
    )
    assert not paths.watch_file.exists()


async def test_garbage_watch_and_history_files_are_set_aside_and_the_library_shows(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library({f"Movies/{name}": source for name, source in MOVIES.items()})
    paths = kino_paths
    paths.config_dir.mkdir(parents=True)
    add_roots(paths.config_file, [str(root / "Movies")], "movies")
    Library(paths).scan([LibraryRoot(str(root / "Movies"), "movies")])
    paths.watch_file.write_bytes(b"\x00\xffnot json")
    history = paths.data_dir / "history.json"
    history.write_bytes(b'{"plays": []}')  # valid JSON, the wrong shape
    app = kino_app(paths)
    async with app.run_test(size=SIZE) as pilot:
        await ready(app, pilot)
        shown = list_text(app)
        assert "Alien" in shown and "Zodiac" in shown  # the catalog is fine: it shows
        said = [n for n in notices(app) if n.startswith("Damaged file set aside")]
        assert len(said) == 2, notices(app)
        (watch_backup,) = paths.data_dir.glob("watch.json.damaged-*")
        (history_backup,) = paths.data_dir.glob("history.json.damaged-*")
        assert any(str(watch_backup) in n and "resume points" in n for n in said)
        assert any(str(history_backup) in n for n in said)
        assert not paths.watch_file.exists()  # a new one only when something is saved
        await pilot.press("w")
        await until(pilot, lambda: paths.watch_file.exists(), "the new watch file")
        await pilot.pause(0.2)
        assert len([n for n in notices(app) if n.startswith("Damaged")]) == 2  # said once
        await pilot.press("q")
    assert watch_backup.read_bytes() == b"\x00\xffnot json"
    assert history_backup.read_bytes() == b'{"plays": []}'
    assert len(Library(paths).watch.all()) == 1
