"""Every key, read from the live bindings (so remapped keys show as remapped)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from kino_tui.ui.screens.browser import BrowserScreen
from kino_tui.ui.widgets.media_list import MediaList

EXTRA_KEYS = [
    ("tab / shift+tab", "Move between panes"),
    ("ctrl+p", "Command palette: every action by name"),
    ("mouse", "Click to select, double-click to open, wheel to scroll"),
]


def _key_label(binding: Binding) -> str:
    return " / ".join(k.strip() for k in binding.key.split(","))


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the list, the browser and the app."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column("key", style="bold")
        table.add_column("action")
        keymap = self.app._keymap if hasattr(self.app, "_keymap") else {}
        groups: list[tuple[str, list[BindingType]]] = [
            ("List", MediaList.BINDINGS),
            ("Browser", BrowserScreen.BINDINGS),
            ("App", type(self.app).BINDINGS),
        ]
        for title, bindings in groups:
            table.add_row(Text(title, style="underline"), "")
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                key = keymap.get(binding.id, binding.key) if binding.id else binding.key
                label = _key_label(Binding(key, binding.action))
                description = binding.tooltip or binding.description or binding.action
                table.add_row(label, description)
            table.add_row("", "")
        for key, description in EXTRA_KEYS:
            table.add_row(key, description)
        with VerticalScroll(id="dialog"):
            yield Label("Keys", id="dialog-title")
            yield Static(table, id="keys")
            yield Label(
                "Remap any key by its id under [keys] in config.toml.", classes="hint", markup=False
            )
