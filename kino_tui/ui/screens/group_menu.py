"""Enter on a show, season, artist or album: open it (the default), play it, or shuffle it.

Every key is a priority binding of this screen, handled as it is read: in a burst of keys
(one SSH packet, a fast typist) the keys after Enter reach this menu even before its
widgets are drawn, so "Enter Enter" always opens and "Enter p" always plays.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from kino_tui.core.display import printable
from kino_tui.ui import bindings
from kino_tui.ui.keys import first_key
from kino_tui.ui.widgets.choices import Choices

#: The choices, in the order shown: Open first (Enter twice drills in, as before).
CHOICES = ("open", "play", "shuffle")


class GroupMenuScreen(ModalScreen[None]):
    """Calls ``chosen`` with "open", "play" or "shuffle" as the key is handled (not after
    the screen has gone, so the keys that follow find the browser already changed)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.GROUP_MENU

    def __init__(self, title: str, play_label: str, chosen: Callable[[str], None]) -> None:
        super().__init__()
        self._chosen_callback = chosen
        self.title_text = title
        self.play_label = play_label
        #: The highlighted choice (kept here, so keys work before the list is drawn).
        self.choice = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(printable(self.title_text), id="dialog-title", markup=False)
            yield Choices(
                Option("Open", id="open"),
                Option(Text(printable(self.play_label)), id="play"),  # names: not markup
                Option("Shuffle", id="shuffle"),
                id="group-menu-choices",
            )
            yield Label(self._hint(), classes="hint", markup=False)

    def _hint(self) -> str:
        """The keys as the user's ``[keys]`` have them (``p plays``, or what it became)."""
        app = self.app
        opens = first_key(app, "group_menu.open", "o")
        plays = first_key(app, "group_menu.play", "p")
        shuffles = first_key(app, "group_menu.shuffle", "s")
        cancels = first_key(app, "group_menu.cancel", "escape")
        return f"Enter or {opens} opens, {plays} plays, {shuffles} shuffles, {cancels} cancels"

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = self.choice
        choices.focus()

    def action_move(self, step: int) -> None:
        self.choice = (self.choice + step) % len(CHOICES)
        with contextlib.suppress(NoMatches):  # not drawn yet: shown once it is
            self.query_one(OptionList).highlighted = self.choice

    def action_choose(self) -> None:
        self.action_pick(CHOICES[self.choice])

    def action_pick(self, choice: str) -> None:
        self.dismiss(None)
        self._chosen_callback(choice)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index is not None:
            self.choice = event.option_index

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:  # a click
        if event.option.id in CHOICES:
            self.action_pick(event.option.id)
