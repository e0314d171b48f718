"""A yes-or-no question before something big (marking a whole show watched)."""

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

from kino_tui.ui import bindings
from kino_tui.ui.widgets.choices import Choices


class ConfirmScreen(ModalScreen[bool]):
    """Returns True for yes; no, Escape or n return False."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.CONFIRM

    def __init__(self, question: str, yes: str) -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, id="dialog-title", markup=False)  # names are not markup
            yield Choices(
                Option(Text(self.yes), id="yes"), Option("Cancel", id="no"), id="confirm-choices"
            )
            yield Label("y or Enter: yes · n or Escape: cancel", classes="hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id == "yes")
