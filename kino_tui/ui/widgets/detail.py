"""The detail pane: poster, title, plot, streams, file facts and watch state of one entry."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import ProgressBar, Static

from kino_tui.core.browse import Entry, LibraryView
from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem
from kino_tui.core.text import episode_label, format_duration
from kino_tui.ui.images import PosterCache
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


def describe(entry: Entry, view: LibraryView) -> Text:
    """Everything known about an entry, as safe text (file data is never markup)."""
    text = Text()
    year = f" ({entry.year})" if entry.year else ""
    text.append(printable(entry.title) + year + "\n", style="bold")
    item = entry.item
    if item is None:
        if entry.detail:
            text.append(printable(entry.detail) + "\n", style="dim")
        text.append(f"{entry.unwatched} unwatched of {len(entry.items)}\n")
        if entry.genres:
            text.append(", ".join(printable(g) for g in entry.genres) + "\n", style="dim")
        return text
    if item.kind == "episode":
        text.append(f"{printable(item.series or '')} {episode_label(item)}\n", style="dim")
    if item.kind == "track":
        parts = [item.artist, item.album, f"track {item.track}" if item.track else None]
        text.append(" · ".join(printable(p) for p in parts if p) + "\n", style="dim")
    if item.original_title and item.original_title != item.title:
        text.append(printable(item.original_title) + "\n", style="italic")
    if item.genres:
        text.append(", ".join(printable(g) for g in item.genres) + "\n", style="dim")
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
        ("Path", item.path + (f" (+{len(item.parts) - 1} parts)" if len(item.parts) > 1 else "")),
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


class DetailPane(VerticalScroll):
    """Right-hand pane: follows the list's cursor."""

    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane > #detail-progress { width: 100%; margin-top: 1; }
    """

    def __init__(self, image_mode: str, cache: PosterCache, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.image_mode = image_mode
        self.cache = cache

    def on_resize(self) -> None:
        # Posters take a third of the height: small terminals keep room for the text.
        self.query_one("#poster", Poster).styles.height = max(5, min(14, self.size.height // 3))

    def compose(self) -> ComposeResult:
        yield Poster(self.image_mode, self.cache, id="poster")
        yield Static(id="detail-text")
        yield ProgressBar(total=100, show_eta=False, id="detail-progress")
        yield Thumbnails(self.image_mode, self.cache, id="detail-thumbnails")

    def show(self, entry: Entry | None, view: LibraryView | None) -> None:
        self.query_one("#poster", Poster).show(entry)
        body = self.query_one("#detail-text", Static)
        bar = self.query_one("#detail-progress", ProgressBar)
        thumbnails = self.query_one(Thumbnails)
        if entry is None or view is None:
            body.update("")
            bar.display = False
            thumbnails.show([])
            return
        has_parts = self.image_mode != "off" and entry.kind in ("show", "artist")
        thumbnails.show(view.children(entry) if has_parts else [])  # seasons, albums
        body.update(describe(entry, view))
        if entry.item is not None:
            state = view.state(entry.item)
            duration = state.duration or entry.item.duration or 0
            bar.display = bool(duration) and not state.watched and state.position > 0
            if bar.display:
                bar.update(total=duration, progress=state.position)
        else:
            total = len(entry.items)
            bar.display = total > 0
            bar.update(total=total, progress=total - entry.unwatched)
