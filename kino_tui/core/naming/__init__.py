"""Read movies, episodes, extras, stacks and music from paths, as Jellyfin, Kodi and Plex do.

The conventions are data (:mod:`.rules`); small resolvers read one media type each:
:mod:`.episodes`, :mod:`.movies`, :mod:`.extras`, :mod:`.stacking`, :mod:`.music`, with
:mod:`.titles` (cleaning, years, natural sort) and :mod:`.folders` (season, disc, show
folders) under them. Exact rules first; guessit (:mod:`.guess`) only for what they cannot
read, once per name pattern. Nothing here touches the disk: callers pass paths and
folder listings.
"""

from __future__ import annotations

from kino_tui.core.naming.folders import (
    disc_of_folder,
    extra_type_of_folder,
    read_show_folder,
    season_of_folder,
)
from kino_tui.core.naming.movies import read_movie_name
from kino_tui.core.naming.music import parse_track_path
from kino_tui.core.naming.records import NameInfo, PathContext, TrackNameInfo
from kino_tui.core.naming.rules import AUDIO_EXTENSIONS, EXTRA_FOLDERS, VIDEO_EXTENSIONS
from kino_tui.core.naming.stacking import stack_files, stack_key, stacked_title_source
from kino_tui.core.naming.titles import (
    clean_title,
    extension,
    find_ids,
    is_audio,
    is_video,
    looks_like_release,
    natural_key,
    split_title_year,
    stem,
)
from kino_tui.core.naming.video import parse_video

__all__ = [
    "AUDIO_EXTENSIONS",
    "EXTRA_FOLDERS",
    "VIDEO_EXTENSIONS",
    "NameInfo",
    "PathContext",
    "TrackNameInfo",
    "clean_title",
    "disc_of_folder",
    "extension",
    "extra_type_of_folder",
    "find_ids",
    "is_audio",
    "is_video",
    "looks_like_release",
    "natural_key",
    "parse_track_path",
    "parse_video",
    "read_movie_name",
    "read_show_folder",
    "season_of_folder",
    "split_title_year",
    "stack_files",
    "stack_key",
    "stacked_title_source",
    "stem",
]
