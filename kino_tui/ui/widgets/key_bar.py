"""The key bar under the screen: the keys that work right now, drawn as one line.

Textual's ``Footer`` mounts and restyles a widget per key each time the bindings change,
which cost kino a fifth of a second at start; this draws the same hints as one line of
text and maps a click back to its key.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from kino_tui.ui.keys import key_name

#: Hints that must fit however narrow the terminal is.
FIRST_ACTIONS = ("app.help", "help", "app.quit", "quit")


class KeyBar(Widget):
    """The active bindings that ask to be shown (``show=True``), one hint per action."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        dock: bottom;
        background: $footer-background;
        color: $footer-description-foreground;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--disabled { text-style: dim; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: (first cell, last cell + 1, key) of each hint, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def _hints(self) -> list[tuple[Binding, bool]]:
        shown: dict[str, tuple[Binding, bool]] = {}
        palette: tuple[Binding, bool] | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.action == "command_palette":  # Textual adds it; shown last
                palette = (binding, enabled)
            elif binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled)
        # Help and Quit first: on a narrow terminal the hints at the end are left out.
        first = [shown.pop(action) for action in FIRST_ACTIONS if action in shown]
        return [*first, *shown.values(), *([palette] if palette else [])]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        disabled_style = self.get_component_rich_style("key-bar--disabled")
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        width = self.size.width or 10_000
        for binding, enabled in self._hints():
            key = f" {key_name(self.app.get_key_display(binding))} "
            description = f"{binding.description} "
            if line.cell_len + len(key) + len(description) > width and self._spans:
                continue  # a whole hint or none: the less important ones (later) go first
            start = line.cell_len
            line.append(key, key_style)
            line.append(description, "" if enabled else disabled_style)
            self._spans.append((start, line.cell_len, binding.key.split(",")[0]))
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
