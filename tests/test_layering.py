"""The data layer never imports the UI toolkit."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "kino_tui.core.catalog.store",
    "kino_tui.core.scan.scanner",
    "kino_tui.core.scan.analysis",
    "kino_tui.core.naming",
    "kino_tui.core.metadata.probe",
    "kino_tui.core.metadata.nfo",
    "kino_tui.core.metadata.sidecars",
    "kino_tui.core.watch.store",
    "kino_tui.core.browse.view",
    "kino_tui.core.play.resume",
    "kino_tui.core.play.player_settings",
    "kino_tui.core.play.session",
    "kino_tui.core.play.players.mpv",
    "kino_tui.core.play.players.vlc",
    "kino_tui.service.playing",
    "kino_tui.core.browse.navigation",
    "kino_tui.core.browse.sections",
    "kino_tui.core.text",
    "kino_tui.service",
    "kino_tui.service.remote.library",
    "kino_tui.service.remote.server",
    "kino_tui.service.remote.stream",
    "kino_tui.config.settings",
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
