"""Something plays already: add the new items to its queue, or play them instead."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kino_tui.core.display import printable
from kino_tui.ui import bindings
from kino_tui.ui.widgets.choices import Choices


class PlayOrQueueScreen(ModalScreen[str | None]):
    """Returns "queue", "replace", or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.PLAY_OR_QUEUE

    def __init__(self, playing: str, wanted: str) -> None:
        super().__init__()
        self.playing = playing
        self.wanted = wanted

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(f"Playing {printable(self.playing)}", id="dialog-title", markup=False)
            yield Choices(
                # Text, not a string: an option's string is Rich markup, names are not
                Option(Text(f"Add {printable(self.wanted)} to the queue"), id="queue"),
                Option(Text(f"Play {printable(self.wanted)} now"), id="replace"),
                id="play-or-queue-choices",
            )
            yield Label("Enter to choose, Escape to cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
