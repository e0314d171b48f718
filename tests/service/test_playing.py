"""Planning a play: the resume decision (table-driven) and every reason a play cannot start,
checked on real files, before any player is started."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.errors import PlayerError
from kino_tui.core.models import LibraryRoot, MediaItem, Progress
from kino_tui.service import Library
from kino_tui.service.playing import decide_start
from tests.conftest import LibraryBuilder
from tests.helpers.library import only_item
from tests.helpers.players import AS_ROOT, as_nobody

# (resume setting, resume point, explicit --start) -> (start, ask)
RESUME_CASES = [
    ("ask", 0.0, None, (0.0, False)),
    ("ask", 600.0, None, (600.0, True)),
    ("always", 600.0, None, (600.0, False)),
    ("never", 600.0, None, (0.0, False)),
    ("ask", 600.0, 90.0, (90.0, False)),
    ("never", 600.0, 90.0, (90.0, False)),
    ("always", 0.0, None, (0.0, False)),
    ("ask", 600.0, -5.0, (0.0, False)),
]


@pytest.mark.parametrize(("resume", "point", "explicit", "expected"), RESUME_CASES)
def test_the_resume_decision(
    resume: str, point: float, explicit: float | None, expected: tuple[float, bool]
) -> None:
    assert decide_start(resume, point, explicit) == expected  # type: ignore[arg-type]


def write_config(paths: KinoPaths, text: str) -> None:
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text)


def scanned(
    paths: KinoPaths, build_library: LibraryBuilder, layout: dict[str, str]
) -> tuple[Library, Path]:
    root = build_library(layout)
    library = Library(paths)
    library.add_roots([str(root)], "movies")
    library.scan()
    return library, root


def test_plan_uses_the_stored_resume_point(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    write_config(kino_paths, 'resume = "ask"\n')
    library, _ = scanned(kino_paths, build_library, {"Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    item = only_item(library)
    assert not library.plan_play([item]).ask
    library.watch.save(item, Progress(position=1200.0, duration=3000.0))
    plan = library.plan_play([item])
    assert (plan.ask, plan.resume_at, plan.start, plan.player) == (True, 1200.0, 1200.0, "mpv")
    assert plan.with_start(0.0).start == 0.0 and not plan.with_start(0.0).ask
    library.check_playable(plan)  # there, readable, mpv installed: no error


def failure(library: Library, item: MediaItem) -> str:
    with pytest.raises(PlayerError) as raised:
        library.check_playable(library.plan_play([item]))
    return str(raised.value)


def test_a_deleted_file_is_explained(kino_paths: KinoPaths, build_library: LibraryBuilder) -> None:
    library, _ = scanned(
        kino_paths, build_library,
        {"Alien (1979)/Alien (1979).avi": "mpeg4.avi", "Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv"},
    )  # fmt: skip
    item = next(i for i in library.load()[0].items.values() if i.title == "Alien")
    Path(item.path).unlink()
    message = failure(library, item)
    assert "is not there any more" in message and "rescan" in message


def test_an_offline_share_is_explained(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    library, root = scanned(
        kino_paths, build_library, {"Alien (1979)/Alien (1979).avi": "mpeg4.avi"}
    )
    item = only_item(library)
    shutil.rmtree(root)
    root.mkdir()  # an empty mount point: the share is down
    message = failure(library, item)
    assert "offline" in message and str(root) in message and "mount" in message


def test_a_missing_player_is_explained(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    write_config(kino_paths, '[mpv]\ncommand = ["/nonexistent/mpv-wrapper"]\n')
    library, _ = scanned(kino_paths, build_library, {"Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    message = failure(library, only_item(library))
    assert "/nonexistent/mpv-wrapper was not found" in message and "[mpv]" in message


@pytest.mark.skipif(not AS_ROOT, reason="root is the case VLC refuses")
def test_vlc_as_root_is_explained(kino_paths: KinoPaths, build_library: LibraryBuilder) -> None:
    write_config(kino_paths, 'player = "vlc"\n')
    library, _ = scanned(kino_paths, build_library, {"Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    assert "VLC refuses to run as root" in failure(library, only_item(library))


def test_an_unreadable_file_is_explained(
    kino_paths: KinoPaths, public_dir: Path, media: dict[str, Path]
) -> None:
    folder = public_dir / f"unreadable-{os.getpid()}"
    (folder / "Alien (1979)").mkdir(parents=True)
    target = folder / "Alien (1979)" / "Alien (1979).avi"
    shutil.copyfile(media["mpeg4.avi"], target)
    library = Library(kino_paths)
    library.add_roots([str(folder)], "movies")
    library.scan([LibraryRoot(str(folder), "movies")])
    item = only_item(library)
    plan = library.plan_play([item])
    folder.chmod(0o755)
    (folder / "Alien (1979)").chmod(0o755)
    target.chmod(0o000)

    def check() -> None:
        with pytest.raises(PlayerError, match="cannot be read: check its permissions"):
            library.check_playable(plan)

    try:
        as_nobody(check)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
