"""Add a library folder from inside the UI: the path is checked before the dialog closes."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import ROOT_TYPES, RootType
from kino_tui.core.pathnames import complete_path, folder_choices
from kino_tui.service.roots import FolderAdded
from kino_tui.ui.bindings import ADD_FOLDER, PATH_INPUT, ROOT_TYPE_CHOICE

if TYPE_CHECKING:
    from kino_tui.service.api import LibraryAPI


class PathInput(Input):
    """The path box: Tab completes the folder name typed (as a shell does); with nothing
    to complete, Tab moves on to the type buttons."""

    BINDINGS: ClassVar[list[BindingType]] = PATH_INPUT

    def action_complete(self) -> None:
        completed = complete_path(self.value)
        if completed != self.value:
            self.value = completed
            self.cursor_position = len(completed)
            return
        choices = folder_choices(self.value)
        if len(choices) > 1:  # several folders start so: say which, type on
            self.screen.query_one("#add-folder-error", Static).update(
                printable("  ".join(choices[:12]) + ("  …" if len(choices) > 12 else ""))
            )
            return
        self.screen.focus_next()


class RootTypeChoice(RadioSet):
    """The content types; Enter adds the folder with the highlighted type. (A binding of
    this widget, not a priority binding of the screen, so an Enter that follows arrow
    keys in one burst is handled after them.)"""

    BINDINGS: ClassVar[list[BindingType]] = ROOT_TYPE_CHOICE

    class Chosen(Message):
        """Enter on a type: add the folder with this type."""

        def __init__(self, root_type: RootType) -> None:
            super().__init__()
            self.root_type = root_type

    def action_choose(self) -> None:
        index = self._selected
        pressed = self.pressed_button
        if index is not None:
            chosen = ROOT_TYPES[index]
        else:
            chosen = pressed.name if pressed is not None and pressed.name else "mixed"
        self.post_message(self.Chosen(cast(RootType, chosen)))


class AddFolderScreen(ModalScreen[FolderAdded | None]):
    """Asks for a folder and its content type and adds it; returns (path, type) once it
    is added, or None when cancelled. A path that is relative, missing, not a folder, or
    inside (or above) another library folder is explained here and the dialog stays."""

    BINDINGS: ClassVar[list[BindingType]] = ADD_FOLDER

    def __init__(self, library: LibraryAPI) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Add a library folder", id="dialog-title")
            # back in the box (after Tab), the cursor is where it was: no select-all
            yield PathInput(placeholder="/path/to/Movies", id="folder", select_on_focus=False)
            yield Label("What does it hold?")
            with RootTypeChoice(id="types"):
                for root_type in ROOT_TYPES:
                    yield RadioButton(root_type, value=root_type == "mixed", name=root_type)
            yield Static("", id="add-folder-error", markup=False)
            yield Label("Enter to add, Escape to cancel", classes="hint")

    @on(Input.Submitted, "#folder")
    def _path_submitted(self, event: Input.Submitted) -> None:
        """Enter in the path box: the value as the box had it when Enter arrived (keys
        typed before it in one burst are in it, whatever the screen shows yet)."""
        pressed = self.query_one(RootTypeChoice).pressed_button
        name = pressed.name if pressed is not None and pressed.name else "mixed"
        self._add(event.value, cast(RootType, name))

    @on(RootTypeChoice.Chosen)
    def _type_chosen(self, event: RootTypeChoice.Chosen) -> None:
        self._add(self.query_one("#folder", Input).value, event.root_type)

    def _add(self, path: str, root_type: RootType) -> None:
        error = self.query_one("#add-folder-error", Static)
        try:
            added = self.library.add_folder(path, root_type, interactive=True)
        except KinoError as failure:
            error.update(printable(str(failure)))
            return
        if added.outcome == "known":  # the same rule as `kino add`: it keeps its type
            error.update(printable(added.message))
            return
        self.dismiss(added)
