"""Playing: what to play, where to start (the resume decision), and whether it can start here.

Front ends plan a play, check it (off their UI thread: it touches the disk), ask the
resume question when :attr:`PlayPlan.ask` says so, then run the core's session.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kino_tui.core.browse.sections import episode_order
from kino_tui.core.errors import ItemNotFound, PlayerError
from kino_tui.core.models import MediaItem, Progress, Segment
from kino_tui.core.play.player_settings import ResumeMode
from kino_tui.service import tracks

if TYPE_CHECKING:
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.service.api import PlaySide


@dataclass(frozen=True, slots=True)
class PlayPlan:
    """One play as decided: the items, the player, and where to start.

    When :attr:`ask` is true the front end asks "resume at :attr:`resume_at`, or start
    over?" and passes the answer to :meth:`with_start`; otherwise :attr:`start` stands.
    """

    items: tuple[MediaItem, ...]
    player: str
    start: float
    resume_at: float
    ask: bool

    @property
    def item(self) -> MediaItem:
        """The item that plays first."""
        return self.items[0]

    def with_start(self, start: float) -> PlayPlan:
        return PlayPlan(self.items, self.player, max(0.0, start), self.resume_at, False)


def decide_start(
    resume: ResumeMode, resume_point: float, explicit: float | None = None
) -> tuple[float, bool]:
    """Where to start, and whether to ask first: an explicit start wins; without a resume
    point start at 0; ``never`` starts at 0, ``always`` resumes, ``ask`` asks (the resume
    point is the suggested answer)."""
    if explicit is not None:
        return max(0.0, explicit), False
    if resume_point <= 0 or resume == "never":
        return 0.0, False
    return resume_point, resume == "ask"


def play_order(items: Sequence[MediaItem], shuffle: bool = False) -> list[MediaItem]:
    """The order a queue plays in: episodes by season and number, tracks by disc and
    number, anything else by path; shuffled when asked."""

    def key(item: MediaItem) -> tuple[object, ...]:
        if item.kind == "episode":
            return (item.series or "", *episode_order(item))
        if item.kind == "track":
            return (item.album_artist or item.artist or "", item.album or "",
                    item.disc or 0, item.track or 0, item.path)  # fmt: skip
        return (item.path,)

    ordered = sorted(items, key=key)
    if shuffle:
        random.shuffle(ordered)
    return ordered


def plan(
    library: PlaySide,
    items: Sequence[MediaItem],
    start: float | None,
    player: str | None,
    progress: Progress | None,
) -> PlayPlan:
    if not items:
        raise ItemNotFound("there is nothing to play here")
    settings = library.settings.playback
    first = items[0]
    state = progress if progress is not None else library.watch.get(first.id)
    chosen_start, ask = decide_start(settings.resume, state.position, start)
    return PlayPlan(tuple(items), player or settings.player, chosen_start, state.position, ask)


def check_playable(library: PlaySide, play: PlayPlan) -> None:
    """Raise :class:`PlayerError` saying what happened and what to do: the item's library
    folder is offline, its file was deleted or cannot be read, or the player cannot run."""
    item = play.item
    root = item.root
    for part in item.parts or [item.path]:
        if os.path.exists(part):
            if not os.access(part, os.R_OK):
                raise PlayerError(
                    f"{part} cannot be read: check its permissions (ls -l shows them)"
                )
            continue
        if root and not _root_online(root):
            raise PlayerError(
                f"{item.display_title} is on {root}, which is offline: "
                "mount the drive or network share, then play it again"
            )
        raise PlayerError(
            f"{part} is not there any more: it was moved or deleted since the last scan; "
            "rescan the library (r, or `kino scan`) to update it"
        )
    session_for(library, play).check()


def _root_online(root: str) -> bool:
    """A library folder that is missing, unreadable or empty is offline (a mount is down)."""
    try:
        with os.scandir(root) as entries:
            return next(entries, None) is not None
    except OSError:
        return False


def session_for(
    library: PlaySide,
    play: PlayPlan,
    *,
    picture_mode: str | None = None,
    on_update: Callable[[PlayerState], None] | None = None,
    music_in_background: bool = False,
) -> PlaybackSession:
    """The core's session for this plan (the player is started by its ``run()``). Where
    it plays is decided here: music in the background (no picture, gapless; kino stays
    on screen, also over SSH), video in a window on the box's screen (``on_update`` then
    follows either), or in the terminal, where mpv draws the way the terminal shows
    pictures (``picture_mode`` kitty or sixel, with tct as fallback) unless
    ``[mpv] terminal_vo`` says otherwise."""
    from kino_tui.core.play.session import PlaybackSession  # players load on first play

    settings = library.settings.playback
    # Music beside a front end that stays on screen (the TUI); `kino play` keeps the
    # terminal's keys for it instead.
    music = music_in_background and all(item.kind == "track" for item in play.items)
    window = music or settings.in_window()
    if not window and not settings.terminal_vo and picture_mode in ("kitty", "sixel"):
        settings = replace(settings, terminal_vo=f"{picture_mode},tct")
    session = PlaybackSession(
        play.item,
        library.watch,
        settings,
        play.start,
        player=play.player,
        window=window,
        on_update=on_update if window else None,
        following=play.items[1:],
        audio_only=music,
        tracks=tracks.launch_tracks(library, play.items),
        tracks_for=lambda item: tracks.tracks_of(library, item),
    )
    if library.settings.export_nfo:
        session.on_recorded = lambda result: _written_back(library, result)
    return session


def _written_back(library: PlaySide, result: PlaybackResult) -> None:
    if not result.never_played:
        write_back(library, result.item, result.progress)


def write_back(library: PlaySide, item: MediaItem, progress: Progress) -> None:
    """``[export] nfo = true``: a played item's NFO gets its new watch state (a line in
    ``export_warnings`` when it cannot)."""
    from kino_tui.service.exporting import write_back_nfo

    if not item.nfo or not os.path.isfile(item.nfo):
        return  # no NFO, or the box's (a play over a link): nothing to write here
    problem = write_back_nfo(item, progress)
    if problem:
        library.export_warnings.append(problem)


def skip_segment(session: PlaybackSession) -> Segment | None:
    """Skip the intro, recap, credits… the player is in (the skip key); the segment
    skipped, or None when there was nothing to skip."""
    return session.skip()


def play_from_next_unwatched(
    items: Sequence[MediaItem], watched: Callable[[MediaItem], bool], shuffle: bool = False
) -> list[MediaItem]:
    """A show, season, artist or album as it plays: in order from its next unwatched
    episode (music and a group watched through start at the first), or shuffled."""
    ordered = play_order(items, shuffle)
    if shuffle or not any(item.kind == "episode" for item in ordered):
        return ordered
    first = next((n for n, item in enumerate(ordered) if not watched(item)), 0)
    return ordered[first:]
