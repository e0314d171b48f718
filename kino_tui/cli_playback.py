"""The playback commands: ``kino play``, ``kino watched`` and ``kino history``."""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
from collections.abc import Callable
from typing import Any

from kino_tui.core.display import printable
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.playback import PlaybackSession
from kino_tui.core.progress import format_time, start_position
from kino_tui.library import Library
from kino_tui.paths import KinoPaths

Out = Callable[[str], None]


def _resume_answer(item: MediaItem, progress: Progress, out: Out) -> float:
    """Ask on a terminal whether to resume; anywhere else, resume."""
    if not sys.stdin.isatty():
        return progress.position
    question = f"Resume {item.display_title} at {format_time(progress.position)}? [Y/n] "
    answer = input(printable(question)).strip().lower()
    return progress.position if answer in ("", "y", "yes") else 0.0


def cmd_play(paths: KinoPaths, args: argparse.Namespace, out: Out, err: Out) -> int:
    library = Library(paths)
    data, warning = library.load()
    if warning:
        err(warning)
    item = library.find_items(data, args.target)[0]
    settings = library.settings.playback
    progress = library.watch.get(item.id)
    if args.start is None and settings.resume == "ask" and progress.position > 0:
        start = progress.position if args.print_command else _resume_answer(item, progress, out)
    else:
        start = start_position(progress, settings.resume, args.start)
    session = PlaybackSession(item, library.watch, settings, start, player=args.player)
    if args.print_command:
        out(shlex.join(session.command()))
        return 0
    out(
        f"playing {item.display_title} with {session.player_name}"
        + (f" from {format_time(start)}" if start else "")
    )
    # Ctrl-C belongs to the player (it quits and kino saves where it stopped).
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        result = session.run()
    finally:
        signal.signal(signal.SIGINT, previous)
    state = result.progress
    if state.watched and state.position == 0:
        out(f"watched {item.display_title} (played {state.play_count}×)")
    elif state.position:
        duration = state.duration or item.duration
        out(f"stopped at {format_time(state.position)} of {format_time(duration)}")
    if result.error:
        err(result.error)
        return 1
    return 0


def cmd_watched(paths: KinoPaths, args: argparse.Namespace, out: Out, err: Out) -> int:
    library = Library(paths)
    data, warning = library.load()
    if warning:
        err(warning)
    items = library.find_items(data, args.target)
    library.watch.set_watched_many(items, not args.unset)
    state = "not watched" if args.unset else "watched"
    if len(items) == 1:
        out(f"marked {items[0].display_title} {state}")
    else:
        out(f"marked {len(items)} items {state}")
    return 0


def history_records(library: Library) -> list[dict[str, Any]]:
    """Plays, newest first, with every field present."""
    keys = ("id", "path", "kind", "title", "series", "season", "episode", "player",
            "started_at", "ended_at", "position", "duration", "watched", "error")  # fmt: skip
    return [{key: play.get(key) for key in keys} for play in library.watch.history()]


def describe_play(play: dict[str, Any]) -> str:
    """One line of ``kino history``."""
    when = (play.get("ended_at") or "")[:16].replace("T", " ")
    title = play.get("title") or play.get("path")
    if play.get("kind") == "episode" and play.get("series"):
        number = ""
        if play.get("season") is not None and play.get("episode") is not None:
            number = f" S{play['season']:02d}E{play['episode']:02d}"
        title = f"{play['series']}{number} {title}"
    if play.get("watched"):
        how_far = "watched"
    else:
        how_far = f"{format_time(play.get('position'))} / {format_time(play.get('duration'))}"
    error = f"  ! {play['error']}" if play.get("error") else ""
    return f"{when}  {title}  ({how_far}, {play.get('player')}){error}"
