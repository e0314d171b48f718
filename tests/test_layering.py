"""The data layer never imports the UI toolkit."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "kino_tui.core.catalog",
    "kino_tui.core.scanner",
    "kino_tui.core.analysis",
    "kino_tui.core.naming",
    "kino_tui.core.probe",
    "kino_tui.core.nfo",
    "kino_tui.core.sidecars",
    "kino_tui.core.watchstate",
    "kino_tui.core.browse",
    "kino_tui.core.progress",
    "kino_tui.core.player_settings",
    "kino_tui.core.playback",
    "kino_tui.core.players.mpv",
    "kino_tui.core.players.vlc",
    "kino_tui.service.playing",
    "kino_tui.core.navigation",
    "kino_tui.core.sections",
    "kino_tui.core.text",
    "kino_tui.service",
    "kino_tui.service.remote.library",
    "kino_tui.service.remote.server",
    "kino_tui.service.remote.stream",
    "kino_tui.config",
]


def test_core_does_not_import_textual_or_rich() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE_MODULES)
        + "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.strip()
    assert output == "[]"
