"""Choose the audio and subtitle streams of an item (``t``); the choice is remembered for
every episode of its show, or for the movie."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from kino_tui.core.display import printable
from kino_tui.core.play.tracks import OFF, describe_audio, describe_subtitle
from kino_tui.service.tracks import TrackMenu
from kino_tui.ui import bindings
from kino_tui.ui.widgets.choices import Choices


@dataclass(frozen=True, slots=True)
class ChosenTracks:
    """What the user picked: stream numbers from 1 (``"off"`` for no subtitles); None
    for a part left as it was."""

    audio: int | None
    subtitle: int | str | None


class TrackScreen(ModalScreen[ChosenTracks | None]):
    """Lists the audio streams, then "Off" and the subtitle streams (embedded, then the
    files beside the video); Enter marks one, "Use these" returns what was marked
    (None when cancelled or nothing changed)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.TRACK

    def __init__(self, menu: TrackMenu) -> None:
        super().__init__()
        self.menu = menu
        self.audio = menu.audio_selected
        self.subtitle = menu.subtitle_selected
        self._touched_audio = False
        self._touched_subtitle = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(
                Text("Audio and subtitles: " + printable(self.menu.item.display_title)),
                id="dialog-title",
            )
            yield Choices(*self._options(), id="track-choices")
            yield Label(
                f"Enter marks a stream; u or “Use these” keeps them for "
                f"{printable(self.menu.remembered_for)}; Escape cancels",
                classes="hint",
                markup=False,
            )

    def _options(self) -> list[Option]:
        menu = self.menu
        options = [Option(Text("Audio", style="bold"), disabled=True)]
        if not menu.audio:
            options.append(Option("  (no audio streams known)", disabled=True))
        for number, stream in enumerate(menu.audio, start=1):
            options.append(self._option(f"audio-{number}", describe_audio(stream),
                                        self.audio == number))  # fmt: skip
        heading = "Subtitles" if self.subtitle is not None else "Subtitles (the player's choice)"
        options.append(Option(Text(heading, style="bold"), disabled=True))
        options.append(self._option("subtitle-off", "Off", self.subtitle == OFF))
        for number, sub in enumerate(menu.subtitles, start=1):
            options.append(self._option(f"subtitle-{number}", describe_subtitle(sub),
                                        self.subtitle == number))  # fmt: skip
        options.append(Option("Use these", id="use"))
        return options

    @staticmethod
    def _option(option_id: str, label: str, marked: bool) -> Option:
        # Text, not a str: titles and file names come from the media and are never markup
        return Option(Text(("● " if marked else "  ") + printable(label)), id=option_id)

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.focus()
        for option_id in (f"audio-{self.audio or 1}", "subtitle-off"):
            try:
                choices.highlighted = choices.get_option_index(option_id)
                return
            except OptionDoesNotExist:
                continue

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == "use":
            self.action_use()
            return
        kind, _, value = option_id.partition("-")
        if kind == "audio":
            self.audio, self._touched_audio = int(value), True
            if not self._touched_subtitle and self.audio <= len(self.menu.subtitle_with_audio):
                self.subtitle = self.menu.subtitle_with_audio[self.audio - 1]
        elif kind == "subtitle":
            self.subtitle = OFF if value == "off" else int(value)
            self._touched_subtitle = True
        self._redraw(event.option_index)

    def _redraw(self, highlighted: int) -> None:
        choices = self.query_one(OptionList)
        choices.clear_options()
        choices.add_options(self._options())
        choices.highlighted = highlighted

    def action_use(self) -> None:
        if not (self._touched_audio or self._touched_subtitle):
            self.dismiss(None)
            return
        self.dismiss(
            ChosenTracks(
                self.audio if self._touched_audio else None,
                self.subtitle if self._touched_subtitle else None,
            )
        )
