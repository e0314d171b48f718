"""``Choices``: Textual's ``OptionList`` that also moves with ``j`` and ``k``, as the
main list does (the help screen says ``↓, j`` and ``↑, k`` for every list)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.widgets import OptionList

from kino_tui.ui import bindings


class Choices(OptionList):
    """A list of choices (menus, dialogs, the sections, library folders)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.CHOICES
