"""Every key, read from the live bindings (so remapped keys show as remapped), named as
they are typed (``/``, ``?``), each with the id that remaps it under ``[keys]``.

It fits 80×24: the list scrolls, and the line under it says what is below and how to
get there.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kino_tui.ui import bindings
from kino_tui.ui.keys import keys_of
from kino_tui.ui.screens.browser import BrowserScreen
from kino_tui.ui.widgets.media_list import MediaList

EXTRA_KEYS = [
    ("tab, shift+tab", "Move between panes (the list, a movie's extras…)"),
    ("ctrl+p", "Command palette: every action by name"),
    ("mouse", "Click to select, double-click to open, wheel to scroll"),
]
REMAP_HINT = 'Remap a key by its id under [keys] in config.toml, e.g. "browser.sort" = "o"'


def keys_table(app: object, groups: list[tuple[str, list[BindingType]]]) -> Table:
    """Key, what it does, and its id: one row per binding, a heading per group."""
    table = Table(box=None, show_header=True, padding=(0, 1), expand=True)
    table.add_column("key", style="bold", max_width=20)
    table.add_column("does", ratio=1)
    table.add_column(Text("id (for [keys])"), style="dim", no_wrap=True)
    for title, group in groups:
        table.add_row(Text(title, style="underline"), "", "")
        for binding in group:
            if not isinstance(binding, Binding):
                continue
            keys = ", ".join(keys_of(app, binding))  # type: ignore[arg-type]
            description = binding.tooltip or binding.description or binding.action
            table.add_row(keys, description, binding.id or "")
        table.add_row("", "", "")
    for key, description in EXTRA_KEYS:
        table.add_row(key, description, "")
    return table


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the list, the browser and the app."""

    DEFAULT_CSS = """
    HelpScreen > #help {
        width: 100%;
        max-width: 110;
        height: 100%;
        max-height: 40;
        padding: 0 1;
        border: thick $accent;
        background: $surface;
    }
    HelpScreen #help-keys { height: 1fr; }
    HelpScreen #help-scroll-hint { color: $text-muted; height: 1; }
    HelpScreen #help-title { text-style: bold; height: 1; }
    HelpScreen #help-remap { color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings.HELP

    def compose(self) -> ComposeResult:
        groups: list[tuple[str, list[BindingType]]] = [
            ("List", MediaList.BINDINGS),
            ("Browser", BrowserScreen.BINDINGS),
            ("App", type(self.app).BINDINGS),
        ]
        with Vertical(id="help"):
            yield Label("Keys", id="help-title")
            yield Label(REMAP_HINT, markup=False, id="help-remap")
            with VerticalScroll(id="help-keys"):
                yield Static(keys_table(self.app, groups), id="keys")
            yield Static("", id="help-scroll-hint", markup=False)

    def on_mount(self) -> None:
        scroll = self.query_one("#help-keys", VerticalScroll)
        self.watch(scroll, "scroll_y", self._scrolled, init=False)
        self.call_after_refresh(self._scrolled)

    def _scrolled(self, _value: float | None = None) -> None:
        """Say where the list is, so a short terminal shows that more is below."""
        scroll = self.query_one("#help-keys", VerticalScroll)
        hint = self.query_one("#help-scroll-hint", Static)
        top, height = int(scroll.scroll_y), scroll.scrollable_content_region.height
        total = scroll.virtual_size.height
        if total <= height:
            hint.update("esc closes")
            return
        last = min(total, top + height)
        more = "↓ more below" if last < total else "end of the list"
        hint.update(f"{more} · lines {top + 1}-{last} of {total} · j/k, pgdn/pgup · esc closes")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#help-keys", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        scroll = self.query_one("#help-keys", VerticalScroll)
        step = max(1, scroll.scrollable_content_region.height - 1)
        scroll.scroll_relative(y=pages * step, animate=False)
