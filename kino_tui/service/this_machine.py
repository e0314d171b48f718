"""The use cases that are this machine's on either transport: its settings as the front
ends format with them, its player (planning a play, the queue's order, skipping), its
audio and subtitle choices, and the decisions that need no library data. ``Library`` and
``RemoteLibrary`` both have them from :class:`ThisMachine`, so they are written once."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kino_tui.config.keys import binding_problems
from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.models import MediaItem, Progress, Segment
from kino_tui.core.play.tracks import item_for_tracks
from kino_tui.core.watch.store import WatchStore
from kino_tui.core.watch.track_choices import TrackChoiceStore
from kino_tui.service import marking, playing, tracks
from kino_tui.service.api import FrontEndSettings
from kino_tui.service.playing import Control, PlayOrder, PlayPlan

if TYPE_CHECKING:
    from kino_tui.core.play.session import PlaybackResult, PlaybackSession
    from kino_tui.core.play.tracks import TrackChoice


class ThisMachine:
    """A mixin: what a library answers from this machine (see the module's docstring)."""

    paths: KinoPaths
    settings: Settings
    watch: WatchStore
    track_choices: TrackChoiceStore
    #: Lines about NFOs ``[export] nfo`` could not update after a play (never over a
    #: link: a remote play does not write the box's NFOs).
    export_warnings: list[str]

    def export_problems(self) -> list[str]:
        """Lines about NFOs ``[export] nfo`` could not update after plays, since the last
        call (no file is read: cheap on the UI thread)."""
        lines, self.export_warnings = self.export_warnings, []
        return lines

    def has_roots(self) -> bool:
        """Whether there are library folders to show (the box's, over a link)."""
        return bool(self.settings.roots)

    def front_end_settings(self) -> FrontEndSettings:
        keys = self.settings.raw.get("keys")
        return FrontEndSettings(
            images=self.settings.images,
            autoplay_next=self.settings.autoplay_next,
            keys={str(k): str(v) for k, v in keys.items()} if isinstance(keys, dict) else {},
            has_roots=self.has_roots(),
        )

    def binding_problems(self, screens: Sequence[Mapping[str, str]]) -> list[str]:
        """A line for each ``[keys]`` id that names none of the front end's bindings."""
        return binding_problems(self.paths.config_file, screens)

    def picture_cache_folder(self) -> Path:
        return self.paths.thumbnails_dir

    def plan_play(
        self,
        items: Sequence[MediaItem],
        start: float | None = None,
        player: str | None = None,
        progress: Progress | None = None,
    ) -> PlayPlan:
        """What to play, with which player, and where to start (or whether to ask)."""
        return playing.plan(self, items, start, player, progress)

    def play_order(self, items: Sequence[MediaItem], shuffle: bool = False) -> list[MediaItem]:
        """A season, show, album or artist in the order it plays (or shuffled)."""
        return playing.play_order(items, shuffle)

    def group_queue(
        self,
        items: Sequence[MediaItem],
        watched: Callable[[MediaItem], bool],
        shuffle: bool = False,
    ) -> list[MediaItem]:
        """A show, season, artist or album as Play (from the next unwatched episode, or
        the first track) or Shuffle plays it."""
        return playing.play_from_next_unwatched(items, watched, shuffle)

    def skip_segment(self, session: PlaybackSession) -> Segment | None:
        """Skip the intro, recap, credits… the running player is in (the skip key)."""
        return playing.skip_segment(session)

    def play_queue(
        self, items: Sequence[MediaItem], order: PlayOrder = "in-order", shuffle: bool = False
    ) -> list[MediaItem]:
        """Items in the order they play: as given, in their play order (a season, an
        album), or as a group's Play does it (regular seasons from the next unwatched
        episode; specials only when there is nothing else); or shuffled."""
        return playing.arrange(self, items, order, shuffle)

    def control_player(self, session: PlaybackSession, what: Control) -> bool:
        """Pause, seek, next/previous, volume or stop the running player."""
        return playing.control(session, what)

    def up_next(
        self, result: PlaybackResult, next_episode: Callable[[MediaItem], MediaItem | None]
    ) -> playing.UpNext | None:
        """After a play ended: the episode to offer next (``next_episode`` is the front
        end's view of the show), and whether it starts by itself (``autoplay_next``)."""
        return playing.up_next(self, result, next_episode)

    def watched_toggle(
        self, items: Sequence[MediaItem], is_watched: Callable[[MediaItem], bool], whole_show: bool
    ) -> marking.WatchedToggle:
        """What the watched key does to an entry (see :func:`marking.toggle`)."""
        return marking.toggle(items, is_watched, whole_show)

    def track_item(self, items: Sequence[MediaItem]) -> MediaItem | None:
        """The video whose streams the chooser lists for an entry; None for music."""
        return item_for_tracks(items)

    def track_menu(self, item: MediaItem) -> tracks.TrackMenu:
        """The item's audio and subtitle streams and which play (reads a file)."""
        return tracks.menu(self, item)

    def choose_tracks(
        self, item: MediaItem, audio: int | None, subtitle: int | str | None
    ) -> TrackChoice:
        """Remember streams chosen in a list (from 1; ``"off"``) for the show or movie."""
        return tracks.choose(self, item, audio, subtitle)

    def choose_tracks_from_text(
        self, item: MediaItem, audio: str | None, subtitles: str | None
    ) -> TrackChoice | None:
        """``--audio LANG|N --subtitles LANG|N|off``, remembered the same way."""
        return tracks.choose_from_text(self, item, audio, subtitles)

    def apply_tracks(self, session: PlaybackSession, item: MediaItem) -> bool:
        """After a choice for ``item``: switch the running ``session`` to it when what it
        plays shares the choice (the same movie, an episode of the same show)."""
        return tracks.apply_to_session(self, session, item)

    def track_warnings(self) -> list[str]:
        """Lines about ``tracks.json`` (damaged and set aside, unreadable) since the last
        call; cheaper than :meth:`take_warnings`, which also checks the watch files."""
        return self.track_choices.take_warnings()
