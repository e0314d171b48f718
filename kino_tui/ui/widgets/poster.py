"""A poster or cover, decoded and scaled in a worker; a clean placeholder until then."""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from kino_tui.core.browse.view import Entry
from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem
from kino_tui.ui.images import PosterCache, halfcell_lines, poster_source
from kino_tui.ui.widgets.media_list import KIND_ICONS

LOAD_DELAY = 0.08  # wait for the cursor to rest before decoding


class HalfcellPicture:
    """A Rich renderable of pre-computed half-block rows."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


def initials(title: str) -> str:
    """Two letters for a picture-less entry: its words' first, a track's leading number
    left out ("02  Mirror yellow zero" is MY, not 0M; "Season 1" stays S1, "1917" 1)."""
    words = [w for w in printable(title).split() if w[:1].isalnum()]
    if len(words) > 1 and words[0].isdigit():
        words = words[1:]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def placeholder(entry: Entry | None) -> Text:
    if entry is None:
        return Text("")
    text = Text(justify="center", no_wrap=True)
    text.append("\n\n")
    text.append(KIND_ICONS.get(entry.kind, "•") + "\n\n")
    text.append(initials(entry.title), style="bold")
    return text


class Poster(Container):
    """Shows the highlighted entry's artwork in the chosen picture mode."""

    DEFAULT_CSS = """
    Poster { height: 14; width: 100%; align: center top; }
    Poster > Static#poster-placeholder { width: 24; height: 100%; background: $boost; content-align: center middle; }
    Poster > Static#poster-picture { width: auto; height: auto; }
    Poster > #poster-image { width: 100%; height: 100%; }
    """

    def __init__(self, mode: str, cache: PosterCache, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = mode
        self.cache = cache
        self._entry: Entry | None = None
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="poster-placeholder")
        yield Static(id="poster-picture")

    def on_mount(self) -> None:
        self.query_one("#poster-picture").display = False
        if self._entry is not None:  # chosen before this was composed (keys typed ahead)
            self.show(self._entry)

    def on_resize(self) -> None:
        """A terminal resized: the picture is decoded again at its new size (after the
        load delay, so a drag of the window decodes once), no cursor move needed."""
        if self._entry is not None and self.mode != "off":
            self.show(self._entry)

    def show(self, entry: Entry | None) -> None:
        """Show a placeholder now and the picture once it is decoded."""
        self._entry = entry
        try:
            placeholder_widget = self.query_one("#poster-placeholder", Static)
        except NoMatches:
            return  # not composed yet: on_mount shows it
        placeholder_widget.update(placeholder(entry))
        placeholder_widget.display = True
        for child in self.children:
            if child is not placeholder_widget:
                child.display = False
        if self._timer is not None:
            self._timer.stop()
        if self.mode == "off" or entry is None:
            return
        source = poster_source(entry.item, entry.poster)
        if source is None and entry.items and entry.is_group:
            source = poster_source(entry.items[0], None)
        if source is None and entry.item is not None:
            frame = self._library_frame(entry.item)  # a video without a picture of its own
            source = ("file", frame) if frame else None
        if source is not None:
            self._timer = self.set_timer(LOAD_DELAY, lambda: self._start_load(entry, source))

    def _library_frame(self, item: MediaItem) -> str | None:
        from kino_tui.ui.app import KinoApp  # app.py imports this module

        return self.app.library.frame_for(item) if isinstance(self.app, KinoApp) else None

    def _start_load(self, entry: Entry, source: tuple[str, str]) -> None:
        from kino_tui.ui.app import KinoApp  # app.py imports this module

        assert isinstance(self.app, KinoApp)
        self.app.start_worker(
            lambda: self._load(entry, source),
            group=f"poster-{id(self)}",
            description="decode poster",
            failure_title="A poster could not be shown",
            exclusive=True,
        )

    class Decoded(Message):
        """A poster was decoded for an entry (the cursor may have moved on since)."""

        def __init__(self, entry: Entry, picture: Any) -> None:
            super().__init__()
            self.entry = entry
            self.picture = picture

    def _load(self, entry: Entry, source: tuple[str, str]) -> None:
        """On a worker thread: decode the picture at the size shown."""
        worker = get_current_worker()
        height = max(4, self.size.height or 14)
        width = max(8, min(self.size.width or 24, height * 2))
        if self.mode == "halfcell":
            image = self.cache.load(source, width, height * 2)
            if image is None or worker.is_cancelled:
                return
            picture: Any = HalfcellPicture(halfcell_lines(image))
        else:
            image = self.cache.load(source, width * 10, height * 20)
            if image is None or worker.is_cancelled:
                return
            picture = image
        self.post_message(self.Decoded(entry, picture))

    def on_poster_decoded(self, message: Decoded) -> None:
        message.stop()
        entry, picture = message.entry, message.picture
        if entry is not self._entry:
            return  # the cursor moved on
        self.query_one("#poster-placeholder").display = False
        if isinstance(picture, HalfcellPicture):
            target = self.query_one("#poster-picture", Static)
            target.update(picture)
            target.display = True
            return
        from textual_image.widget import Image as ImageWidget  # kitty / sixel only

        images = self.query(ImageWidget)
        if images:
            widget = images.first()
            widget.image = picture
        else:
            widget = ImageWidget(picture, id="poster-image")
            self.mount(widget)
        widget.display = True
