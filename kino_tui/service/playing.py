"""Playing: what to play, where to start (the resume decision), and whether it can start here.

One use case assembles a play for both front ends (:func:`prepare`: find, order, plan,
tracks, check); the front end asks the resume question when :attr:`PlayPlan.ask` says
so (off its UI thread for the check: it touches the disk), then runs the core's session
(:func:`session_for`) and steers it through :func:`control`.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal, Protocol

from kino_tui.core.browse.sections import episode_order
from kino_tui.core.errors import ItemNotFound, PlayerError
from kino_tui.core.models import MediaItem, Progress, Segment
from kino_tui.core.play.player_settings import ResumeMode
from kino_tui.service import tracks
from kino_tui.service.api import PlaySide

if TYPE_CHECKING:
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.core.play.tracks import TrackChoice


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
    #: Lines about damaged files set aside while finding what to play.
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def item(self) -> MediaItem:
        """The item that plays first."""
        return self.items[0]

    def with_start(self, start: float) -> PlayPlan:
        return replace(self, start=max(0.0, start), ask=False)


#: How the items of a request play: as given ("play from here"), in their play order
#: (episodes by number, tracks by disc and number), or as a group's Play does it (the
#: regular seasons from the next unwatched episode; specials only when chosen).
PlayOrder = Literal["given", "in-order", "group"]


@dataclass(frozen=True, slots=True)
class PlayRequest:
    """What a front end asks to play: ``target`` as the user typed it (an id, a file, a
    folder, a group key such as ``show:Dark``) or the ``items`` it shows; the order; and
    the user's explicit choices (start, player, ``--audio``/``--subtitles``)."""

    target: str | None = None
    items: tuple[MediaItem, ...] = ()
    order: PlayOrder = "in-order"
    shuffle: bool = False
    start: float | None = None
    player: str | None = None
    #: The first item's progress as the front end knows it (read from the store if None).
    progress: Progress | None = None
    audio: str | None = None
    subtitles: str | None = None
    #: Check it can start here (``--print-command`` only shows the command).
    check: bool = True


def arrange(
    library: PlaySide, items: Sequence[MediaItem], order: PlayOrder, shuffle: bool = False
) -> list[MediaItem]:
    """The items in the order they play (see :data:`PlayOrder`), or shuffled."""
    if order == "group":
        progress = library.watch.all()
        return play_from_next_unwatched(
            items, lambda i: progress.get(i.id, Progress()).watched, shuffle
        )
    if order == "in-order" or shuffle:
        return play_order(items, shuffle)
    return list(items)


class Assembling(PlaySide, Protocol):
    """What :func:`prepare` needs of a library (both transports have it)."""

    def find_items(self, target: str) -> tuple[list[MediaItem], list[str]]: ...
    def check_playable(self, plan: PlayPlan) -> None: ...
    def choose_tracks_from_text(
        self, item: MediaItem, audio: str | None, subtitles: str | None
    ) -> TrackChoice | None: ...


def prepare(
    library: Assembling,
    request: PlayRequest,
    find: Callable[[str], tuple[list[MediaItem], list[str]]] | None = None,
) -> PlayPlan:
    """The one way a play is assembled: find -> order -> plan -> tracks -> check.
    ``find`` finds the target (the library's ``find_items`` by default; a local library
    also takes a file the catalog does not hold). Raises ``ItemNotFound`` or
    ``PlayerError`` saying what to do."""
    items, warnings = list(request.items), list[str]()
    if request.target is not None:
        items, warnings = (find or library.find_items)(request.target)
    items = arrange(library, items, request.order, request.shuffle)
    chosen = plan(library, items, request.start, request.player, request.progress)
    if request.audio is not None or request.subtitles is not None:
        library.choose_tracks_from_text(chosen.item, request.audio, request.subtitles)
    if request.check:
        library.check_playable(chosen)
    return replace(chosen, warnings=(*warnings, *content_warnings(chosen.item)))


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
    _check_content(item)
    session_for(library, play).check()


#: What a scan found that means a file cannot play at all (a truncated one plays up to
#: where it ends, and is only said).
_UNPLAYABLE = ("empty file", "no video stream found", "not a recognised audio file")


def _check_content(item: MediaItem) -> None:
    """An empty file, or one the scan found unplayable and that has not changed since,
    is said before any player starts (the player's own message would be lost under the
    redraw)."""
    sizes = []
    for part in item.parts or [item.path]:
        try:
            size = os.stat(part).st_size
        except OSError:
            continue  # explained above, or by the player check
        sizes.append(size)
        if size == 0:
            raise PlayerError(
                f"{part} is empty (0 bytes): its copy or download did not finish; "
                "replace the file, then rescan (r, or `kino scan`)"
            )
    error = item.error or ""
    unchanged = sizes == [item.size]  # one file, the size the scan read
    if unchanged and error.startswith(_UNPLAYABLE):
        raise PlayerError(
            f"{item.path} cannot play: the scan found {error}; "
            "replace the file, then rescan (r, or `kino scan`)"
        )


def content_warnings(item: MediaItem) -> list[str]:
    """Lines to show before a play that starts anyway (a truncated file)."""
    if item.error and "truncated" in item.error:
        return [f"{item.display_title}: {item.error}, so it stops before its end"]
    return []


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
    terminal: bool = True,
) -> PlaybackSession:
    """The core's session for this plan (the player is started by its ``run()``). Where
    it plays is decided here: music in the background (no picture, gapless; kino stays
    on screen, also over SSH), video in a window on the box's screen (``on_update`` then
    follows either), or in the terminal, where mpv draws the way the terminal shows
    pictures (``picture_mode`` kitty or sixel, with tct as fallback) unless
    ``[mpv] terminal_vo`` says otherwise. With no terminal (``terminal`` False: output
    going into a pipe or a file) and no window, only the sound plays, and nothing is
    written to kino's output; :attr:`PlaybackSession.notice` says so."""
    from kino_tui.core.play.session import PlaybackSession  # players load on first play

    settings = library.settings.playback
    # Music beside a front end that stays on screen (the TUI); `kino play` keeps the
    # terminal's keys for it instead.
    music = music_in_background and all(item.kind == "track" for item in play.items)
    window = music or settings.in_window()
    sound_only = not window and not terminal
    if not window and not settings.terminal_vo and picture_mode in ("kitty", "sixel"):
        settings = replace(settings, terminal_vo=f"{picture_mode},tct")
    session = PlaybackSession(
        play.item,
        library.watch,
        settings,
        play.start,
        player=play.player,
        window=window or sound_only,
        on_update=on_update if window else None,
        following=play.items[1:],
        audio_only=music or sound_only,
        tracks=tracks.launch_tracks(library, play.items),
        tracks_for=lambda item: tracks.tracks_of(library, item),
    )
    if sound_only and any(item.kind != "track" for item in play.items):
        session.notice = (
            "no terminal and no display to show the picture here: playing the sound only "
            '(run kino in a terminal, or set playback = "window" where there is a screen)'
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
    from kino_tui.service.exporting import write_back_nfo  # only with [export] nfo

    if not item.nfo or not os.path.isfile(item.nfo):
        return  # no NFO, or the box's (a play over a link): nothing to write here
    problem = write_back_nfo(item, progress)
    if problem:
        library.export_warnings.append(problem)


#: The keys' actions on a running player (the TUI's player keys).
Control = Literal[
    "pause", "next", "previous", "back", "forward", "back-more", "forward-more",
    "louder", "softer", "stop",
]  # fmt: skip
#: How far back/forward and back-more/forward-more jump, in seconds.
SEEK_STEP, SEEK_BIG_STEP = 10, 60


def control(session: PlaybackSession, what: Control) -> bool:
    """Steer the running player; False when it could not (not reached, or no queue to
    move in for next and previous)."""
    player = session.player
    actions: dict[str, Callable[[], bool]] = {
        "pause": player.toggle_pause,
        "next": player.next,
        "previous": player.previous,
        "back": lambda: player.seek_by(-SEEK_STEP),
        "forward": lambda: player.seek_by(SEEK_STEP),
        "back-more": lambda: player.seek_by(-SEEK_BIG_STEP),
        "forward-more": lambda: player.seek_by(SEEK_BIG_STEP),
        "louder": lambda: player.change_volume(1),
        "softer": lambda: player.change_volume(-1),
        "stop": session.quit,
    }
    return actions[what]()


def skip_segment(session: PlaybackSession) -> Segment | None:
    """Skip the intro, recap, credits… the player is in (the skip key); the segment
    skipped, or None when there was nothing to skip."""
    return session.skip()


def regular_episodes(items: Sequence[MediaItem]) -> list[MediaItem]:
    """A group as Play, Next Up and Shuffle see it: specials (season 0) left out, unless
    the group has nothing else (Jellyfin, Plex and Kodi play specials only when chosen)."""
    regular = [item for item in items if not (item.kind == "episode" and item.season == 0)]
    return regular or list(items)


def play_from_next_unwatched(
    items: Sequence[MediaItem], watched: Callable[[MediaItem], bool], shuffle: bool = False
) -> list[MediaItem]:
    """A show, season, artist or album as it plays: its regular seasons (specials only
    when there is nothing else) in order from its next unwatched episode (music and a
    group watched through start at the first), or shuffled."""
    ordered = play_order(regular_episodes(items), shuffle)
    if shuffle or not any(item.kind == "episode" for item in ordered):
        return ordered
    first = next((n for n, item in enumerate(ordered) if not watched(item)), 0)
    return ordered[first:]


@dataclass(frozen=True, slots=True)
class UpNext:
    """The episode after one that finished, and whether it starts by itself."""

    item: MediaItem
    autoplay: bool


def up_next(
    library: PlaySide,
    result: PlaybackResult,
    next_episode: Callable[[MediaItem], MediaItem | None],
) -> UpNext | None:
    """What follows a play that ended: only an item watched to its end offers its next
    episode (a stop half-way, an error, a film offer nothing)."""
    finished = result.error is None and result.progress.watched and result.progress.position == 0
    following = next_episode(result.item) if finished else None
    if following is None:
        return None
    return UpNext(following, library.settings.autoplay_next)
