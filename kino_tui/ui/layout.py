"""The browser's layout by the terminal's width (the classes ``kino.tcss`` styles): below
:data:`NARROW` columns the sections pane folds away (its key shows it) and the details
narrow; below :data:`TINY` the details give way before the list does."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

#: Below this many columns the sections pane folds away and the details narrow.
NARROW = 100
#: Below this many columns the details pane gives way to the list.
TINY = 70


def fit_width(screen: Screen[None], width: int) -> None:
    screen.set_class(width < NARROW, "-narrow")
    screen.set_class(width < TINY, "-tiny")


def toggle_sections(screen: Screen[None], sections: Widget, media_list: Widget) -> None:
    """The sections key: in a narrow terminal show the folded pane (and go there) or fold
    it again (back to the list); in a wide one, go to the sections."""
    if not screen.has_class("-narrow"):
        sections.focus()
        return
    shown = not screen.has_class("-sections-shown")
    screen.set_class(shown, "-sections-shown")
    if shown:
        screen.call_after_refresh(sections.focus)
    else:
        media_list.focus()
