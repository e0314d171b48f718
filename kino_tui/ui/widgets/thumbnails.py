"""Small posters of what is inside a show or an artist (its seasons, its albums), as many
as fit in one row of the detail pane, each with its name under it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from kino_tui.core.browse.view import Entry
from kino_tui.core.display import printable
from kino_tui.ui.images import PosterCache
from kino_tui.ui.widgets.poster import Poster

#: Cells a thumbnail takes, and the gap after it.
THUMB_WIDTH = 10
THUMB_GAP = 1


def captions(entries: list[Entry]) -> Text:
    """Each entry's title cut to its thumbnail's width, in one line."""
    line = Text(no_wrap=True, overflow="crop")
    for entry in entries:
        title = printable(entry.title)
        if len(title) > THUMB_WIDTH:
            title = title[: THUMB_WIDTH - 1] + "…"
        line.append(title.ljust(THUMB_WIDTH + THUMB_GAP))
    return line


class Thumbnails(Vertical):
    """A row of small :class:`Poster` widgets (made when first needed, then reused) and
    their captions."""

    DEFAULT_CSS = f"""
    Thumbnails {{ height: auto; margin-top: 1; display: none; }}
    Thumbnails > Horizontal {{ height: auto; }}
    Thumbnails Poster {{ width: {THUMB_WIDTH}; height: 6; margin-right: {THUMB_GAP}; }}
    Thumbnails Poster > Static#poster-placeholder {{ width: 100%; }}
    Thumbnails > #thumb-captions {{ color: $text-muted; }}
    """

    def __init__(self, image_mode: str, cache: PosterCache, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.image_mode = image_mode
        self.cache = cache
        self._entries: list[Entry] = []
        self._mounting = False

    def compose(self) -> ComposeResult:
        yield Horizontal(id="thumb-row")
        yield Static(id="thumb-captions", markup=False)

    def room(self) -> int:
        """How many thumbnails fit in one row."""
        parent = self.parent  # the row itself has no width while it is hidden
        width = parent.scrollable_content_region.width if isinstance(parent, Widget) else 0
        return max(0, (width + THUMB_GAP) // (THUMB_WIDTH + THUMB_GAP))

    def show(self, entries: list[Entry]) -> None:
        """Show the first entries that fit (none hides the row)."""
        self._entries = entries[: self.room()]
        row = self.query_one("#thumb-row", Horizontal)
        missing = len(self._entries) - len(row.query_children(Poster))
        if missing <= 0:
            self._fill()
        elif not self._mounting:  # posters are made the first time they are needed
            self._mounting = True
            self.call_next(self._mount_then_fill, missing)

    async def _mount_then_fill(self, count: int) -> None:
        row = self.query_one("#thumb-row", Horizontal)
        await row.mount_all([Poster(self.image_mode, self.cache) for _ in range(count)])
        self._mounting = False
        self.show(self._entries)

    def _fill(self) -> None:
        posters = list(self.query_one("#thumb-row", Horizontal).query_children(Poster))
        for poster, entry in zip(posters, self._entries, strict=False):
            poster.display = True
            poster.show(entry)
        for poster in posters[len(self._entries) :]:
            poster.display = False
            poster.show(None)
        self.query_one("#thumb-captions", Static).update(captions(self._entries))
        self.display = bool(self._entries)
