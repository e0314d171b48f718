"""Resume at the saved position, or start over (``resume = "ask"``)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kino_tui.core.display import printable
from kino_tui.core.text import format_time
from kino_tui.ui import bindings
from kino_tui.ui.widgets.choices import Choices


class ResumeScreen(ModalScreen[float | None]):
    """Returns the start position chosen, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.RESUME

    def __init__(self, title: str, position: float) -> None:
        super().__init__()
        self.item_title = title
        self.position = position

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(printable(self.item_title), id="dialog-title", markup=False)
            yield Choices(
                Option(f"Resume at {format_time(self.position)}", id="resume"),
                Option("Start over", id="start-over"),
                id="resume-choices",
            )
            yield Label("Enter to choose, Escape to cancel", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.position if event.option.id == "resume" else 0.0)
