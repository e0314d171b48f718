"""Words kino shows: counts, times, item labels and scan summaries, formatted in one place.

Both front ends (the command line and the TUI) print these; neither builds its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kino_tui.core.models import MediaItem, ScanProgress, ScanSummary

_DIGIT_RUNS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts ``Show 2`` before ``Show 10`` (case-insensitive)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in _DIGIT_RUNS.split(text.casefold())
        if part
    )


#: Plurals that do not just add an "s".
_PLURALS = {"entry": "entries", "library folder": "library folders", "match": "matches"}


def plural(count: int, noun: str) -> str:
    """``1 episode``, ``3 episodes``, ``0 entries``, with thousands separated."""
    word = noun if count == 1 else _PLURALS.get(noun, noun + "s")
    return f"{count:,} {word}"


def format_time(seconds: float | None) -> str:
    """``1:02:03`` or ``12:34``; ``--:--`` when unknown."""
    if seconds is None:
        return "--:--"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_duration(seconds: float | None) -> str:
    """A length in a list or the detail pane: like :func:`format_time`, empty when unknown."""
    return format_time(seconds) if seconds else ""


def time_left(position: float, duration: float | None) -> str:
    """``32 min left``, ``1 h 05 min left``, ``under a minute left``; empty when the
    length is unknown."""
    if not duration or position <= 0:
        return ""
    minutes = max(0, round((duration - position) / 60))
    if minutes < 1:
        return "under a minute left"
    if minutes < 60:
        return f"{minutes} min left"
    return f"{minutes // 60} h {minutes % 60:02d} min left"


def episode_number(season: int | None, episode: int | None, episode_end: int | None = None) -> str:
    """``S01E02``, ``S01E02-E03``, ``E317``; empty without an episode number."""
    if episode is None:
        return ""
    label = f"S{season:02d}E{episode:02d}" if season is not None else f"E{episode}"
    if episode_end:
        label += f"-E{episode_end:02d}"
    return label


def episode_label(item: MediaItem) -> str:
    """An episode's number (see :func:`episode_number`), or its air date."""
    return episode_number(item.season, item.episode, item.episode_end) or item.air_date or ""


def describe_item(item: MediaItem) -> str:
    """One line naming an item: ``Dark S01E02 Lies``, ``Artist – Album – 3 Song``,
    ``Alien (1979)``."""
    if item.kind == "episode":
        label = f"{item.series or '?'} {episode_label(item)}".strip()
        return f"{label} {item.title}" if item.title else label
    if item.kind == "track":
        return f"{item.artist or '?'} – {item.album or '?'} – {item.track or ''} {item.title or ''}"
    year = f" ({item.year})" if item.year else ""
    return f"{item.display_title}{year}"


def describe_play(play: Mapping[str, Any]) -> str:
    """One line of the history: when, what, how far, with which player, and any error."""
    when = (play.get("ended_at") or "")[:16].replace("T", " ")
    title = play.get("title") or play.get("path")
    if play.get("kind") == "episode" and play.get("series"):
        number = episode_number(play.get("season"), play.get("episode"))
        label = f"{play['series']} {number}".strip()
        named_by_file = str(play.get("path") or "").endswith("/" + str(title))
        title = label if named_by_file else f"{label} {title}"  # not "Dark S01E02 Dark S01E02.mkv"
    if play.get("error"):
        how_far = "did not play" if not play.get("position") else _how_far(play)
    else:
        how_far = "watched" if play.get("watched") else _how_far(play)
    error = f"  ! {play['error']}" if play.get("error") else ""
    return f"{when}  {title}  ({how_far}, {play.get('player')}){error}"


def _how_far(play: Mapping[str, Any]) -> str:
    return f"{format_time(play.get('position'))} / {format_time(play.get('duration'))}"


def scan_summary(summary: ScanSummary) -> str:
    """``scan finished in 1.2 s: 3 added, …`` for the command line and the status line."""
    verb = "stopped after" if summary.stopped else "finished in"
    return (
        f"scan {verb} {summary.seconds:.1f} s: {summary.added} added, "
        f"{summary.updated} updated, {summary.moved} moved, {summary.removed} removed, "
        f"{summary.unavailable} unavailable, {summary.unchanged} unchanged, "
        f"{plural(summary.errors, 'problem')}"
    )


def scan_stopped(summary: ScanSummary) -> str:
    """What a stopped scan kept, and what to do next."""
    read = (
        f"{summary.files_read:,} of {summary.files_to_read:,} files read and kept"
        if summary.files_to_read
        else "no file read yet"
    )
    return f"scan stopped: {read}; run kino scan again to finish"


def scan_progress(progress: ScanProgress) -> str:
    """``walking folders (120)…`` or ``reading files 30/200…``."""
    if progress.phase == "walking":
        return f"walking folders ({progress.done:,})…"
    return f"reading files {progress.done:,}/{progress.total:,}…"


def library_summary(counts: Mapping[str, int], offline: int) -> str:
    """``12 movies · 340 episodes · 2,000 tracks · 5 offline`` for the status line."""
    text = " · ".join(
        plural(counts.get(kind, 0), noun)
        for kind, noun in (("movie", "movie"), ("episode", "episode"), ("track", "track"))
    )
    return text + (f" · {offline:,} offline" if offline else "")


def fit_line(text: str, width: int) -> str:
    """``text`` cut to ``width`` columns, with ``…`` where it was cut."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(width - 1, 0)].rstrip() + "…"


def fit_names(names: list[str], width: int) -> str:
    """As many names as fit in ``width`` columns, and how many did not:
    ``Al Pacino, Robert De Niro +3``; the first name is cut if even it does not fit."""
    if not names:
        return ""
    joined = ", ".join(names)
    if len(joined) <= width:
        return joined
    for count in range(len(names) - 1, 0, -1):
        shown = ", ".join(names[:count]) + f" +{len(names) - count}"
        if len(shown) <= width:
            return shown
    more = f" +{len(names) - 1}" if len(names) > 1 else ""
    return fit_line(names[0], width - len(more)) + more


def cast_line(name: str, role: str | None, width: int) -> str:
    """``Al Pacino as Vincent Hanna``, fitted to ``width`` columns (the name kept first)."""
    return fit_line(f"{name} as {role}" if role else name, width)
