"""Add a library folder from inside the UI."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from kino_tui.core.models import ROOT_TYPES


class AddFolderScreen(ModalScreen[tuple[str, str] | None]):
    """Asks for a folder and its content type; returns them, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="add_folder.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a library folder", id="dialog-title")
            yield Input(placeholder="/path/to/Movies", id="folder")
            yield Label("What does it hold?")
            with RadioSet(id="types"):
                for root_type in ROOT_TYPES:
                    yield RadioButton(root_type, value=root_type == "mixed", name=root_type)
            yield Label("Enter to add, Escape to cancel", classes="hint")

    @on(Input.Submitted, "#folder")
    def _submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.notify("Type the folder's path first.", severity="warning")
            return
        pressed = self.query_one(RadioSet).pressed_button
        self.dismiss((path, (pressed.name if pressed else None) or "mixed"))
