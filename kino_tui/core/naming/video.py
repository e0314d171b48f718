"""One video file in its folders → movie, episode, extra or plain video, by the root's type.

- ``shows``: every video is an episode (or an extra), numberless ones too.
- ``movies``: every video is a movie (or an extra; stacks are grouped by the caller).
- ``mixed``: decided per file: episode markers make an episode, a year or release tags
  a movie, anything else a plain video. ``music``: videos are plain videos.
"""

from __future__ import annotations

from kino_tui.core.naming.episodes import read_episode
from kino_tui.core.naming.extras import read_extra
from kino_tui.core.naming.movies import read_movie
from kino_tui.core.naming.records import NameInfo, PathContext
from kino_tui.core.naming.titles import find_ids, stem


def parse_video(name: str, context: PathContext) -> NameInfo:
    """Classify one video file name in its folder context."""
    file_stem = stem(name)
    info = NameInfo(ids=find_ids(file_stem, *context.folders[-2:]))
    if read_extra(file_stem, context, info):
        return info
    if context.root_type in ("shows", "mixed") and read_episode(file_stem, context, info):
        return info
    read_movie(file_stem, context, info)
    return info
