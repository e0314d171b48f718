"""Playback from the UI (filled in by the player work)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kino_tui.core.models import MediaItem

if TYPE_CHECKING:
    from kino_tui.ui.app import KinoApp


def start_playback(app: KinoApp, item: MediaItem) -> None:
    app.notify(f"Playing is not wired up yet: {item.path}", severity="warning")
