"""The detail pane: poster, title, plot, streams, file facts and watch state of one entry."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from kino_tui.core.browse.view import Entry, LibraryView
from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem
from kino_tui.core.text import cast_line, episode_label, fit_names, format_duration
from kino_tui.ui.images import PosterCache
from kino_tui.ui.widgets.choices import Choices
from kino_tui.ui.widgets.poster import Poster
from kino_tui.ui.widgets.thumbnails import Thumbnails


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return printable(iso)


def resolution(item: MediaItem) -> str:
    if not item.height:
        return ""
    height = item.height
    label = "4K" if height >= 2000 else f"{height}p"
    return f"{item.width}×{item.height} ({label})"


#: Labels of the people's facts (the widest, "Collection", and a space).
LABEL = 11
#: How many cast members the pane lists.
CAST_SHOWN = 4


def people(item: MediaItem, width: int) -> list[tuple[str, str]]:
    """What the NFO says about who made it, as (label, value) lines of at most ``width``
    columns: director, writers, studio, certification, collection and the first cast
    members (name as role). A wide pane aligns the values after an 11-column label; a
    narrow one (the 80-column layout) writes ``Label: value`` when the whole value fits,
    else the label on its own line and the value indented under it; the cast is always
    a list under its label (a name and a role need the room)."""
    wide = width >= 36
    facts = [
        ("Director", [printable(n) for n in item.directors]),
        ("Writers", [printable(n) for n in item.writers]),
        ("Studio", [printable(n) for n in item.studios]),
        ("Rated", [printable(item.certification)] if item.certification else []),
        ("Collection", [printable(item.collection)] if item.collection else []),
    ]
    rows: list[tuple[str, str]] = []
    for name, values in facts:
        if values and wide:
            rows.append((f"{name:<{LABEL}}", fit_names(values, width - LABEL)))
        elif values and len(name) + 2 + len(", ".join(values)) <= width:
            rows.append((f"{name}: ", ", ".join(values)))
        elif values:
            rows += [(name, ""), ("  ", fit_names(values, width - 2))]
    room = width - 2
    cast = [
        cast_line(printable(m.name), printable(m.role) if m.role else None, room)
        for m in item.cast[:CAST_SHOWN]
    ]
    if len(item.cast) > CAST_SHOWN:
        cast.append(f"+{len(item.cast) - CAST_SHOWN} more")
    if cast:
        rows += [("Cast", ""), *(("  ", line) for line in cast)]
    return rows


#: The group rows whose items are heard, not watched.
MUSIC_GROUPS = frozenset({"artist", "album"})


def describe(entry: Entry, view: LibraryView, width: int = 40) -> Text:
    """Everything known about an entry, as safe text (file data is never markup);
    the people and the tagline are fitted to ``width`` columns."""
    text = Text()
    year = f" ({entry.year})" if entry.year else ""
    text.append(printable(entry.title) + year + "\n", style="bold")
    item = entry.item
    if item is None:
        if entry.detail:
            text.append(printable(entry.detail) + "\n", style="dim")
        played = "unplayed" if entry.kind in MUSIC_GROUPS else "unwatched"  # music is heard
        text.append(f"{entry.unwatched} {played} of {entry.count}\n")
        if entry.genres:
            text.append(", ".join(printable(g) for g in entry.genres) + "\n", style="dim")
        return text
    if item.kind == "episode":
        text.append(f"{printable(item.series or '')} {episode_label(item)}\n", style="dim")
        if item.season_title:  # from season.nfo
            text.append(printable(item.season_title) + "\n", style="dim")
    if item.kind == "track":
        parts = [item.artist, item.album, f"track {item.track}" if item.track else None]
        text.append(" · ".join(printable(p) for p in parts if p) + "\n", style="dim")
    if item.tagline:
        text.append(printable(item.tagline) + "\n", style="italic")
    if item.original_title and item.original_title != item.title:
        text.append(printable(item.original_title) + "\n", style="italic")
    if item.genres:
        text.append(", ".join(printable(g) for g in item.genres) + "\n", style="dim")
    # who made it before the plot: a few short lines, seen even in a small terminal
    credits = people(item, width)
    if credits:
        text.append("\n")
    for label, value in credits:
        text.append(label, style="bold dim")
        text.append(value + "\n")
    if item.plot:
        text.append("\n" + printable(item.plot, keep_newlines=True) + "\n")
    text.append("\n")
    facts = [
        ("Duration", format_duration(item.duration)),
        (
            "Video",
            " ".join(x for x in (resolution(item), item.video_codec or "", item.hdr or "") if x),
        ),
        (
            "Audio",
            ", ".join(
                " ".join(
                    str(x)
                    for x in (
                        a.language or "und",
                        a.codec or "",
                        f"{a.channels}ch" if a.channels else "",
                    )
                    if x
                )
                for a in item.audio
            ),
        ),
        (
            "Subtitles",
            ", ".join(
                f"{s.language or 'und'}{' (ext)' if s.external else ''}{' forced' if s.forced else ''}"
                for s in item.subtitles
            ),
        ),
        ("Rating", f"{item.rating:.1f}" if item.rating else ""),
        ("Size", human_size(item.size) if item.size else ""),
        ("Added", when(item.added)),
        ("Path", item.path + (f"  ({len(item.parts)} parts)" if len(item.parts) > 1 else "")),
    ]
    for label, value in facts:
        if value:
            text.append(f"{label:<10}", style="bold dim")
            text.append(printable(value) + "\n")
    if not item.available:
        text.append("\nOffline: its library folder is not reachable now.\n", style="bold red")
    if item.error:
        text.append(f"\nProblem: {printable(item.error)}\n", style="red")
    state = view.state(item)
    text.append("\n")
    if state.watched:
        text.append("✓ Watched", style="green")
        if state.play_count:
            text.append(f" · played {state.play_count}×")
    elif state.position:
        text.append(f"Resume at {format_duration(state.position)}")
    else:
        text.append("Not watched")
    if state.last_played:
        text.append(f" · last played {when(state.last_played)}")
    text.append("\n")
    return text


EXTRA_TYPES = {
    "trailer": "Trailer",
    "featurette": "Featurette",
    "behindthescenes": "Behind the scenes",
    "behind the scenes": "Behind the scenes",
    "deleted": "Deleted scene",
    "deleted scenes": "Deleted scene",
    "scene": "Scene",
    "scenes": "Scene",
    "interview": "Interview",
    "interviews": "Interview",
    "short": "Short",
    "shorts": "Short",
    "clip": "Clip",
    "clips": "Clip",
    "sample": "Sample",
    "samples": "Sample",
}


def extra_label(extra: MediaItem) -> str:
    """``Trailer  Alien (1979) trailer  2:03`` (file text made printable)."""
    kind = EXTRA_TYPES.get((extra.extra_type or "").lower(), (extra.extra_type or "Extra").title())
    duration = format_duration(extra.duration) if extra.duration else ""
    return f"{kind}: {printable(extra.display_title)}  {duration}".rstrip()


class DetailPane(VerticalScroll):
    """Right-hand pane: follows the list's cursor. A movie's extras (trailers,
    featurettes…) are listed under it; Enter (or a click) on one plays it."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > #detail-progress { width: 100%; margin-top: 1; }
    DetailPane > #detail-extras-title { margin-top: 1; text-style: bold; }
    DetailPane > #detail-extras { height: auto; max-height: 8; border: none; padding: 0; }
    """

    class ExtraChosen(Message):
        """An extra was chosen to play."""

        def __init__(self, item: MediaItem) -> None:
            self.item = item
            super().__init__()

    def __init__(self, image_mode: str, cache: PosterCache, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.image_mode = image_mode
        self.cache = cache
        self._extras: list[MediaItem] = []
        self._shown: tuple[Entry | None, LibraryView | None] | None = None

    def on_resize(self) -> None:
        # Posters take a third of the height: small terminals keep room for the text.
        self.query_one("#poster", Poster).styles.height = max(5, min(14, self.size.height // 3))
        entry, view = self._shown or (None, None)
        if entry is not None and view is not None:  # the people are fitted to the width
            self.query_one("#detail-text", Static).update(describe(entry, view, self.text_width))

    @property
    def text_width(self) -> int:
        """Columns for a line of text (the padding and the scroll bar taken off)."""
        return max(self.scrollable_content_region.width - 1, 20)

    def compose(self) -> ComposeResult:
        yield Poster(self.image_mode, self.cache, id="poster")
        yield Static(id="detail-text")
        yield ProgressBar(total=100, show_eta=False, id="detail-progress")
        yield Static("Extras", id="detail-extras-title")
        yield Choices(id="detail-extras")
        yield Thumbnails(self.image_mode, self.cache, id="detail-thumbnails")

    def on_mount(self) -> None:
        self._show_extras([])

    def _show_extras(self, extras: list[MediaItem]) -> None:
        """List the extras (hidden when there are none)."""
        self._extras = extras
        options = self.query_one("#detail-extras", OptionList)
        options.clear_options()
        options.add_options([Option(Text(extra_label(e)), id=str(n)) for n, e in enumerate(extras)])
        options.display = bool(extras)
        title = self.query_one("#detail-extras-title", Static)
        title.update(f"Extras ({len(extras)}): Tab here, Enter plays" if extras else "")
        title.display = bool(extras)

    @on(OptionList.OptionSelected, "#detail-extras")
    def _extra_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        if 0 <= index < len(self._extras):
            self.post_message(self.ExtraChosen(self._extras[index]))

    def show(self, entry: Entry | None, view: LibraryView | None) -> None:
        self._shown = (entry, view)
        self.query_one("#poster", Poster).show(entry)
        item = entry.item if entry is not None else None
        extras = view.extras_of(item) if view is not None and item is not None else []
        if extras != self._extras:
            self._show_extras(extras)
        body = self.query_one("#detail-text", Static)
        bar = self.query_one("#detail-progress", ProgressBar)
        thumbnails = self.query_one(Thumbnails)
        if entry is None or view is None:
            body.update("")
            bar.display = False
            thumbnails.show([])
            return
        has_parts = self.image_mode != "off" and entry.kind in ("show", "artist")
        parts = [c for c in view.children(entry) if c.is_group] if has_parts else []
        thumbnails.show(parts)  # seasons, albums
        body.update(describe(entry, view, self.text_width))
        if entry.item is not None:
            state = view.state(entry.item)
            duration = state.duration or entry.item.duration or 0
            bar.display = bool(duration) and not state.watched and state.position > 0
            if bar.display:
                bar.update(total=duration, progress=state.position)
        else:
            total = entry.count
            bar.display = total > 0
            bar.update(total=total, progress=total - entry.unwatched)
