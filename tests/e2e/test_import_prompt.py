"""`kino import jellyfin` in a real terminal (tmux) without KINO_JELLYFIN_KEY: it asks for
the key without echoing it, and the import goes on with what was typed. The server is the
local stand-in of tests/helpers/media_servers.py (Jellyfin cannot run here)."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.media_servers import JELLYFIN_KEY, jellyfin_item, jellyfin_routes, serve
from tests.helpers.terminals import KINO, TMUX, tmux
from tests.helpers.ui import set_env


def test_the_key_is_asked_for_and_never_shown(
    kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    root = build_library({"Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv"})
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.scan()
    (heat,) = library.load()[0].items.values()
    played = jellyfin_item(
        "Heat", "/media/movies/Heat (1995)/Heat (1995).mkv", played=True, count=1,
        last="2024-03-01T20:04:11Z", size=heat.size,
    )  # fmt: skip
    session = f"kino-import-{tmp_path.name[-20:]}"
    env = set_env(kino_paths)
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith("XDG_"))
    with serve(jellyfin_routes([played])) as (url, _):
        command = (
            f"env -u KINO_JELLYFIN_KEY {exports} {shlex.quote(str(KINO))} import jellyfin "
            f"{url} --user Alice; echo status=$?; sleep 30"
        )
        tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "24", command)
        try:
            screen = _wait_for(session, "Jellyfin API key:")
            tmux("send-keys", "-t", session, "-l", JELLYFIN_KEY)
            tmux("send-keys", "-t", session, "Enter")
            screen = _wait_for(session, "status=")
        finally:
            subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True)
    assert "imported from jellyfin: 1 matched (1 changed" in screen and "status=0" in screen
    assert JELLYFIN_KEY not in screen  # typed, never echoed
    assert library.watch.get(heat.id).play_count == 1


def _wait_for(session: str, text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
