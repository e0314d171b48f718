"""Add a library folder from inside the UI: the path is checked before the dialog closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import ROOT_TYPES, RootType

if TYPE_CHECKING:
    from kino_tui.service import Library


class AddFolderScreen(ModalScreen[tuple[str, str] | None]):
    """Asks for a folder and its content type and adds it; returns (path, type) once it
    is added, or None when cancelled. A path that is relative, missing, not a folder, or
    inside (or above) another library folder is explained here and the dialog stays."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "Cancel", id="add_folder.cancel"),
        # Enter adds from the path box and from the type buttons alike.
        Binding("enter", "submit", "Add", id="add_folder.submit", priority=True),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a library folder", id="dialog-title")
            yield Input(placeholder="/path/to/Movies", id="folder")
            yield Label("What does it hold?")
            with RadioSet(id="types"):
                for root_type in ROOT_TYPES:
                    yield RadioButton(root_type, value=root_type == "mixed", name=root_type)
            yield Static("", id="add-folder-error", markup=False)
            yield Label("Enter to add, Escape to cancel", classes="hint")

    def _chosen_type(self) -> RootType:
        types = self.query_one(RadioSet)
        if types.has_focus:  # the highlighted button: arrows then Enter means that one
            index = types._selected
            if index is not None:
                return cast(RootType, ROOT_TYPES[index])
        pressed = types.pressed_button
        name = pressed.name if pressed is not None else None
        return cast(RootType, name if name in ROOT_TYPES else "mixed")

    def action_submit(self) -> None:
        path = self.query_one("#folder", Input).value
        root_type = self._chosen_type()
        error = self.query_one("#add-folder-error", Static)
        try:
            added = self.library.add_roots([path], root_type, interactive=True)
        except KinoError as failure:
            error.update(printable(str(failure)))
            return
        if not added:
            error.update("That folder is already in the library with this type.")
            return
        self.dismiss((added[0].path, root_type))
