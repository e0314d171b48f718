"""Choose a filter for the current list."""

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

from kino_tui.core.browse.view import EntryFilter
from kino_tui.core.display import printable
from kino_tui.ui import bindings
from kino_tui.ui.widgets.choices import Choices


class FilterScreen(ModalScreen[EntryFilter | None | bool]):
    """Returns the chosen filter, ``None`` to clear it, or ``False`` when dismissed."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.FILTER

    def __init__(self, choices: list[EntryFilter], current: EntryFilter | None) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option("All (no filter)", id="none")]
        for index, choice in enumerate(self.choices):
            mark = "● " if choice == self.current else "  "
            # Text, not a str: genres come from NFO files and are never markup
            options.append(Option(Text(mark + printable(choice.label)), id=str(index)))
        with Vertical(id="dialog"):
            yield Label("Filter this list", id="dialog-title")
            yield Choices(*options, id="filters")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "none":
            self.dismiss(None)
        else:
            self.dismiss(self.choices[int(event.option.id or 0)])
