"""Choosing audio and subtitles from the browser (``t``): the chooser's content read in a
worker, the choice saved (and sent to a player showing the same movie or show)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kino_tui.core.display import printable
from kino_tui.core.play.tracks import describe_choice
from kino_tui.ui.messages import TracksChosen, TracksListed
from kino_tui.ui.widgets.media_list import MediaList

if TYPE_CHECKING:
    from kino_tui.service.tracks import TrackMenu
    from kino_tui.ui.screens.browser import BrowserScreen
    from kino_tui.ui.screens.tracks import ChosenTracks


class TracksController:
    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen

    def choose(self) -> None:
        screen = self.screen
        library = screen.kino.library
        entry = screen.query_one(MediaList).highlighted
        item = library.track_item(entry.items if entry is not None else [])
        if item is None:
            screen.notify("Audio and subtitles are chosen for a movie, show or episode.", timeout=3)
            return

        def list_tracks() -> None:
            screen.post_message(TracksListed(library.track_menu(item), library.track_warnings()))

        screen.kino.start_worker(
            list_tracks,
            group="tracks",
            description="list audio and subtitles",
            failure_title="Could not list the audio and subtitles",
        )

    def listed(self, message: TracksListed) -> None:
        for warning in message.warnings:
            self.screen.notify(printable(warning), severity="warning", markup=False, timeout=10)
        menu = message.menu
        from kino_tui.ui.screens.tracks import (
            TrackScreen,  # on first use: start-up imports what the first screen needs
        )

        self.screen.app.push_screen(TrackScreen(menu), lambda chosen: self._save(menu, chosen))

    def _save(self, menu: TrackMenu, chosen: ChosenTracks | None) -> None:
        if chosen is None:
            return
        screen = self.screen
        library = screen.kino.library
        session = screen.kino.playback.session

        def save() -> None:
            choice = library.choose_tracks(menu.item, chosen.audio, chosen.subtitle)
            summary = f"{describe_choice(choice)} for {menu.remembered_for}"
            if session is not None and session.window and library.apply_tracks(session, menu.item):
                summary += " (switched in the player too)"
            screen.post_message(TracksChosen(summary, library.track_warnings()))

        screen.kino.start_worker(
            save, group="tracks", description="save the track choice",
            failure_title="Could not save the audio and subtitle choice",
        )  # fmt: skip

    def chosen(self, message: TracksChosen) -> None:
        for warning in message.warnings:
            self.screen.notify(printable(warning), severity="warning", markup=False, timeout=10)
        self.screen.notify(printable(message.summary[:1].upper() + message.summary[1:]),
                           markup=False, timeout=3)  # fmt: skip
