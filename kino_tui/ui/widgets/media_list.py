"""A virtual list of entries: renders only the lines on screen, so 50,000 rows cost nothing."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kino_tui.core.browse.view import Entry
from kino_tui.core.display import printable
from kino_tui.core.text import format_duration, time_left
from kino_tui.ui import bindings

# One-cell symbols: emoji are two cells wide in some terminals and missing in some fonts.
KIND_ICONS = {
    "movie": "▣",
    "episode": "▸",
    "video": "▹",
    "extra": "+",
    "track": "♪",
    "show": "▤",
    "season": "▥",
    "artist": "♫",
    "album": "◎",
}


#: Rows that are music: a track is played or not, never watched or unwatched.
MUSIC_KINDS = frozenset({"artist", "album", "track"})


class MediaList(ScrollView, can_focus=True):
    """Keyboard- and mouse-driven list of :class:`Entry` rows with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.MEDIA_LIST
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "media-list--cursor",
        "media-list--dim",
        "media-list--offline",
    }
    DEFAULT_CSS = """
    MediaList { background: $surface; overflow-x: hidden; }  /* rows are cut, never scrolled */
    MediaList > .media-list--cursor { background: $accent 40%; text-style: bold; }
    MediaList:focus > .media-list--cursor { background: $accent; color: $text; }
    MediaList > .media-list--dim { color: $text-muted; }
    MediaList > .media-list--offline { color: $error 70%; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)  # see watch_cursor

    class Highlighted(Message):
        """The cursor moved to another entry."""

        def __init__(self, entry: Entry | None) -> None:
            self.entry = entry
            super().__init__()

    class Selected(Message):
        """Enter (or a double click) on an entry."""

        def __init__(self, entry: Entry) -> None:
            self.entry = entry
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[Entry] = []
        self.empty_message = ""
        self._base_style: Style | None = None  # walks every ancestor: computed once
        #: Rendered rows by (row, has the cursor, width): a scroll by one row draws one.
        self._strips: LRUCache[tuple[int, bool, int], Strip] = LRUCache(256)

    def notify_style_update(self) -> None:
        self._base_style = None
        self._strips.clear()
        super().notify_style_update()

    # -- content -------------------------------------------------------------
    def set_entries(self, entries: list[Entry], cursor: int = 0, empty_message: str = "") -> None:
        """Replace every row at once (cheap: nothing is rendered off screen)."""
        self.entries = entries
        self.empty_message = empty_message
        self._strips.clear()
        self.virtual_size = Size(self.size.width, len(entries))
        self.cursor = max(0, min(cursor, len(entries) - 1))
        self.scroll_to(y=max(0, self.cursor - self.size.height // 2), animate=False)
        self.refresh()

    @property
    def highlighted(self) -> Entry | None:
        if 0 <= self.cursor < len(self.entries):
            return self.entries[self.cursor]
        return None

    # -- cursor --------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        self._keep_cursor_visible()
        if self.scroll_offset.y == top:  # only two rows change (a scroll redraws them all)
            self.refresh_line(old)
            self.refresh_line(new)
        else:
            self.refresh()
        self.post_message(self.Highlighted(self.highlighted))

    def _keep_cursor_visible(self) -> None:
        top = int(self.scroll_offset.y)
        height = max(1, self.scrollable_content_region.height)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def _move(self, delta: int) -> None:
        if self.entries:
            self.cursor = max(0, min(len(self.entries) - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-len(self.entries))

    def action_last(self) -> None:
        self._move(len(self.entries))

    def action_page_down(self) -> None:
        self._move(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move(-max(1, self.scrollable_content_region.height - 1))

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.post_message(self.Selected(self.highlighted))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self.entries):
            self.cursor = row
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.entries))

    # -- rendering -------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = int(self.scroll_offset.y) + y
        if self._base_style is None:
            self._base_style = self.rich_style
        base = self._base_style
        if not self.entries:
            lines = self._empty_lines(width)
            if 1 <= y <= len(lines):  # the message wrapped to the list's width
                text = Text(
                    "  " + lines[y - 1],
                    style=base + self.get_component_rich_style("media-list--dim"),
                )
                return Strip(text.render(self.app.console), text.cell_len).crop_extend(
                    0, width, base
                )
            return Strip.blank(width, base)
        if row >= len(self.entries):
            return Strip.blank(width, base)
        key = (row, row == self.cursor, width)
        strip = self._strips.get(key)
        if strip is None:
            entry = self.entries[row]
            style = base
            if not entry.available:
                style = style + self.get_component_rich_style("media-list--offline")
            if row == self.cursor:
                style = style + self.get_component_rich_style("media-list--cursor")
            strip = self._strips[key] = self._render_entry(entry, width, style)
        return strip

    def _empty_lines(self, width: int) -> list[str]:
        if not self.empty_message:
            return []
        return textwrap.wrap(self.empty_message, max(10, width - 3)) or [""]

    def _render_entry(self, entry: Entry, width: int, style: Style) -> Strip:
        dim = self.get_component_rich_style("media-list--dim")
        right = Text()
        music = entry.kind in MUSIC_KINDS  # played or not: never "unwatched"
        if entry.problem:
            right.append(f"! {entry.problem}  ", self.get_component_rich_style("media-list--offline"))
        if entry.is_group:
            if entry.unwatched and not music:
                right.append(f"{entry.unwatched} unwatched  ", dim)
            elif entry.kind in ("show", "season"):
                right.append("✓ watched  ", dim)
        elif not entry.unwatched and not music:
            right.append("✓ ", dim)
        if not entry.is_group:
            left_time = time_left(entry.position, entry.duration)
            right.append(left_time or format_duration(entry.duration), dim)
        if not entry.available:
            right.append("  offline")
        left = Text(no_wrap=True, overflow="ellipsis")
        left.append(f" {KIND_ICONS.get(entry.kind, ' ')} ")
        left.append(printable(entry.title))
        if entry.year and entry.kind in ("movie", "video", "show", "album"):
            left.append(f" ({entry.year})", dim)
        if entry.detail:
            left.append(f"  {printable(entry.detail)}", dim)
        room = max(0, width - right.cell_len - 1)
        left.truncate(room, overflow="ellipsis", pad=True)
        line = Text.assemble(left, " ", right, style=style, no_wrap=True)
        return Strip(line.render(self.app.console)).crop_extend(0, width, style)
