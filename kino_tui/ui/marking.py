"""Marking watched from the browser: a toggle, "watched up to here", a question before a
whole show, and an undo that puts back every record exactly as it was.

The rules live below the UI (``core/sections.episodes_up_to``, ``service/marking``); this
decides only what to ask and what to say, and runs the writes in workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kino_tui.core.display import printable
from kino_tui.core.text import plural
from kino_tui.ui.keys import first_key
from kino_tui.ui.messages import WatchedMarked

if TYPE_CHECKING:
    from kino_tui.core.browse.view import Entry
    from kino_tui.core.models import MediaItem
    from kino_tui.service.marking import Marked
    from kino_tui.ui.screens.browser import BrowserScreen

#: How long the notice offering the undo stays.
UNDO_NOTICE_SECONDS = 8


class MarkingController:
    """Marks for one browser screen; remembers the last mark so ``u`` can undo it."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self.last: Marked | None = None

    def toggle(self, entry: Entry) -> None:
        """``w``: watched (or not, when all of it is); a whole show asks first."""
        view = self.screen.state.view
        if view is None or self.screen.still_loading(entry):
            return
        toggle = self.screen.kino.library.watched_toggle(
            entry.items, lambda item: view.state(item).watched, whole_show=entry.kind == "show"
        )
        items, watched = toggle.items, toggle.watched
        what = f"{plural(len(items), 'episode')} of {printable(entry.key.removeprefix('show:'))}"
        if toggle.ask:
            state = "watched" if watched else "not watched"

            def answered(yes: bool | None) -> None:
                if yes:
                    self.mark(items, watched, what)

            from kino_tui.ui.screens.confirm import ConfirmScreen  # on first use: start-up

            self.screen.app.push_screen(
                ConfirmScreen(f"Mark all {what} {state}?", f"Mark {state}"), answered
            )
            return
        self.mark(items, watched, _label(entry, items))

    def up_to_here(self, entry: Entry) -> None:
        """``W`` on an episode: it and every earlier episode of its show, watched."""
        view = self.screen.state.view
        item = entry.item
        if view is None or item is None or item.kind != "episode":
            self.screen.notify("Watched up to here works on an episode.", timeout=3)
            return
        items = view.episodes_up_to(item)
        self.mark(items, True, f"{plural(len(items), 'episode')} up to this one")

    def mark(self, items: Sequence[MediaItem], watched: bool, what: str) -> None:
        library = self.screen.kino.library
        chosen = list(items)

        def work() -> None:
            marked = library.mark_undoable(chosen, watched)
            self.screen.post_message(WatchedMarked(marked.updates, watched, marked, what))

        self.screen.kino.start_worker(
            work, group="watch", description="mark watched", failure_title="Could not mark watched"
        )

    def undo(self) -> None:
        """``u``: put back the last mark's records (play counts, resume points)."""
        marked, self.last = self.last, None
        if marked is None:
            self.screen.notify("Nothing to undo.", timeout=2)
            return
        library = self.screen.kino.library

        def work() -> None:
            restored = library.undo_mark(marked)
            self.screen.post_message(WatchedMarked(restored, not marked.watched, None, "undone"))

        self.screen.kino.start_worker(
            work, group="watch", description="undo a mark", failure_title="Could not undo the mark"
        )

    def marked(self, message: WatchedMarked) -> None:
        """A mark (or its undo) was saved: show it, and say how to undo it."""
        self.screen.progress_changed(message.updates)
        if message.marked is None:
            self.screen.notify(f"Undone: {plural(len(message.updates), 'item')} as before",
                               timeout=3)  # fmt: skip
            return
        self.last = message.marked
        state = "watched" if message.watched else "not watched"
        key = first_key(self.screen.app, "browser.undo", "u")
        self.screen.notify(
            f"Marked {message.what} {state}. Press {key} to undo.",
            timeout=UNDO_NOTICE_SECONDS,
            markup=False,
        )


def _label(entry: Entry, items: Sequence[MediaItem]) -> str:
    if entry.item is not None:
        return printable(entry.item.display_title)
    return f"{printable(entry.title)} ({plural(len(items), 'item')})"
